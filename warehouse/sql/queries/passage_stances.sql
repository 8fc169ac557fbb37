-- Every passage placed with this embedding model, with its article and what was decided for it
-- (cluster_id NULL when it takes no stance or waits).
SELECT s.passage_id, p.article_id, s.cluster_id, s.score, s.decision
FROM passage_stances AS s
JOIN passages AS p USING (passage_id)
WHERE s.model_id = $model_id
ORDER BY s.passage_id;
