-- Each article with its relevance, story and strongest stance (ties broken by
-- cluster id), for the evaluations in bench/.
WITH ranked AS (
    SELECT s.article_id, s.cluster_id, s.score, c.kind,
           row_number() OVER (PARTITION BY s.article_id ORDER BY s.score DESC, s.cluster_id) AS rank
    FROM article_stances AS s
    JOIN stance_clusters AS c USING (cluster_id)
)
SELECT a.article_id, a.url, a.language, a.relevance, a.relevant, a.story_id,
       r.cluster_id AS stance, r.score AS stance_score, r.kind AS stance_kind
FROM articles AS a
LEFT JOIN ranked AS r ON r.article_id = a.article_id AND r.rank = 1
ORDER BY a.article_id;
