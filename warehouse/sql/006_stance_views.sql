-- Stance views: how stances move by ISO week and language, which labs and
-- models each stance is argued about, and the texts of each cluster's
-- representative passages.

-- Share of each stance among the stance-taking articles of one ISO week and
-- language: an article's scores add up to 1, so shares in a week × language
-- add up to 1 too.
CREATE OR REPLACE VIEW stance_share_weekly AS
WITH scored AS (
    SELECT strftime(a.published_at, '%G-W%V') AS week, a.language, s.cluster_id, s.score, s.article_id
    FROM article_stances AS s
    JOIN articles AS a USING (article_id)
    WHERE a.relevant AND a.published_at IS NOT NULL
),
per_stance AS (
    SELECT week, language, cluster_id, sum(score) AS weight, count(DISTINCT article_id) AS articles
    FROM scored
    GROUP BY week, language, cluster_id
)
SELECT p.week, p.language, p.cluster_id, c.label, c.kind, p.articles,
       p.weight / sum(p.weight) OVER (PARTITION BY p.week, p.language) AS share
FROM per_stance AS p
JOIN stance_clusters AS c USING (cluster_id);

-- Labs and models named inside the passages that take each stance.
CREATE OR REPLACE VIEW stance_entities AS
WITH argued AS (
    SELECT s.cluster_id, m.entity_id, p.passage_id, p.article_id
    FROM passage_stances AS s
    JOIN stance_clusters AS c ON c.cluster_id = s.cluster_id AND c.model_id = s.model_id
    JOIN passages AS p USING (passage_id)
    JOIN mentions AS m ON m.article_id = p.article_id
        AND m.start_char >= p.start_char AND m.end_char <= p.end_char
)
SELECT g.cluster_id, c.label, g.entity_id, e.name AS entity, e.kind AS entity_kind,
       count(DISTINCT g.passage_id) AS passages, count(DISTINCT g.article_id) AS articles
FROM argued AS g
JOIN stance_clusters AS c USING (cluster_id)
JOIN entities AS e USING (entity_id)
GROUP BY ALL;

-- The representative passages of each cluster, with their texts, in rank order.
CREATE OR REPLACE VIEW stance_representatives AS
WITH ranked AS (
    SELECT c.cluster_id, r.passage_id, r.rank
    FROM stance_clusters AS c,
         unnest(CAST(c.representatives AS VARCHAR[])) WITH ORDINALITY AS r(passage_id, rank)
)
SELECT r.cluster_id, r.rank, r.passage_id, p.article_id, p.language, p.text
FROM ranked AS r
JOIN passages AS p USING (passage_id);
