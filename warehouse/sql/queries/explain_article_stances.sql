-- An article's stances, strongest first.
SELECT s.cluster_id, c.label, s.score, s.passages
FROM article_stances AS s
JOIN stance_clusters AS c USING (cluster_id)
WHERE s.article_id = $article_id
ORDER BY s.score DESC, s.cluster_id;
