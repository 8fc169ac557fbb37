-- Every passage placed with this embedding model, with its article (cluster_id NULL while it waits).
SELECT s.passage_id, p.article_id, s.cluster_id, s.score
FROM passage_stances AS s
JOIN passages AS p USING (passage_id)
WHERE s.model_id = $model_id
ORDER BY s.passage_id;
