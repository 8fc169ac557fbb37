-- An article's stance passages with what the cluster stage decided, and their embeddings.
SELECT p.passage_id, p.ordinal, p.text, s.cluster_id, s.score, coalesce(s.decision, 'not clustered yet') AS decision,
       c.label, e.vector
FROM passages AS p
LEFT JOIN passage_stances AS s ON s.passage_id = p.passage_id AND s.model_id = $model_id
LEFT JOIN stance_clusters AS c ON c.cluster_id = s.cluster_id
LEFT JOIN embeddings AS e ON e.text_hash = p.text_hash AND e.model_id = $model_id
WHERE p.article_id = $article_id
ORDER BY p.ordinal;
