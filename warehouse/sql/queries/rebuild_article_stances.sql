-- An article expresses a stance when at least one of its passages was
-- assigned to it. Its score is the stance's share of the confidence of the
-- article's assigned passages (a seeded stance's probability, an emergent
-- cluster's similarity), so one sure passage outweighs a doubtful one; the
-- scores of one article add up to 1.
DELETE FROM article_stances;
INSERT INTO article_stances (article_id, cluster_id, score, passages)
WITH assigned AS (
    SELECT p.article_id, s.cluster_id, greatest(coalesce(s.score, 0), 0.01) AS confidence
    FROM passage_stances AS s
    JOIN passages AS p USING (passage_id)
    JOIN stance_clusters AS c ON c.cluster_id = s.cluster_id AND c.model_id = s.model_id
    WHERE s.model_id = $model_id AND s.cluster_id IS NOT NULL
),
per_article AS (
    SELECT article_id, cluster_id, count(*) AS passages, sum(confidence) AS weight
    FROM assigned
    GROUP BY article_id, cluster_id
)
SELECT article_id, cluster_id,
       weight / sum(weight) OVER (PARTITION BY article_id) AS score,
       passages
FROM per_article;
