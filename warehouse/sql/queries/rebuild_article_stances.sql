-- The stances each relevant article takes, from its own stance passages and
-- those of its story.
--
-- A passage counts with its confidence (a seeded stance's probability, an
-- emergent cluster's similarity), so one sure passage outweighs a doubtful
-- one. An article's copies and translations (its story) lend it their
-- passages at half the weight of its own: the same text told in two languages
-- takes one position whichever version the passage cutter read best, while
-- what the article itself argues still leads. An emergent debate counts only
-- for a story none of whose passages takes a seeded stance: emergent clusters
-- gather what articles argue beyond the taxonomy, and on real articles they
-- also gather passages on one event, which must not outweigh the stance the
-- articles take. (Both measured on the dev split of the real texts,
-- bench/realtext_eval.) An article's scores add up to 1; `passages` counts the
-- article's own passages in that cluster.
DELETE FROM article_stances;
INSERT INTO article_stances (article_id, cluster_id, score, passages)
WITH assigned AS (
    SELECT p.article_id, coalesce(a.story_id, a.article_id) AS story, s.cluster_id, c.kind,
           greatest(coalesce(s.score, 0), 0.01) AS confidence
    FROM passage_stances AS s
    JOIN passages AS p USING (passage_id)
    JOIN articles AS a ON a.article_id = p.article_id
    JOIN stance_clusters AS c ON c.cluster_id = s.cluster_id AND c.model_id = s.model_id
    WHERE s.model_id = $model_id AND s.cluster_id IS NOT NULL
),
counted AS (
    SELECT *
    FROM assigned
    WHERE kind = 'seeded'
       OR story NOT IN (SELECT story FROM assigned WHERE kind = 'seeded')
),
weighed AS (
    SELECT a.article_id, c.cluster_id,
           sum(CASE WHEN c.article_id = a.article_id THEN 2 ELSE 1 END * c.confidence) AS weight,
           count(*) FILTER (WHERE c.article_id = a.article_id) AS passages
    FROM articles AS a
    JOIN counted AS c ON c.story = coalesce(a.story_id, a.article_id)
    WHERE a.relevant
    GROUP BY a.article_id, c.cluster_id
)
SELECT article_id, cluster_id, weight / sum(weight) OVER (PARTITION BY article_id) AS score, passages
FROM weighed;
