-- Passages of relevant articles not yet decided with this embedding model:
-- those never placed (seen = false), and those still waiting whose article
-- was processed since $waiting_since (a passage that joined nothing for long
-- is not read back on every run). Passages decided "none" are never read back.
SELECT p.passage_id, p.article_id, p.language, p.text, e.vector, coalesce(a.story_id, a.article_id) AS story_id,
       s.passage_id IS NOT NULL AS seen
FROM passages AS p
JOIN articles AS a USING (article_id)
JOIN embeddings AS e ON e.text_hash = p.text_hash AND e.model_id = $model_id
LEFT JOIN passage_stances AS s ON s.passage_id = p.passage_id AND s.model_id = $model_id
WHERE a.relevant
  AND (s.passage_id IS NULL
       OR (s.cluster_id IS NULL AND s.decision = 'waiting' AND a.processed_at >= $waiting_since))
ORDER BY p.passage_id;
