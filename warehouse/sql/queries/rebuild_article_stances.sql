-- An article expresses a stance when at least one of its passages was
-- assigned to it. Its score is the share of the article's assigned passages
-- that take that stance (the scores of one article add up to 1).
DELETE FROM article_stances;
INSERT INTO article_stances (article_id, cluster_id, score, passages)
WITH assigned AS (
    SELECT p.article_id, s.cluster_id
    FROM passage_stances AS s
    JOIN passages AS p USING (passage_id)
    JOIN stance_clusters AS c ON c.cluster_id = s.cluster_id AND c.model_id = s.model_id
    WHERE s.model_id = $model_id AND s.cluster_id IS NOT NULL
),
per_article AS (
    SELECT article_id, cluster_id, count(*) AS passages
    FROM assigned
    GROUP BY article_id, cluster_id
)
SELECT article_id, cluster_id,
       passages / sum(passages) OVER (PARTITION BY article_id) AS score,
       passages
FROM per_article;
