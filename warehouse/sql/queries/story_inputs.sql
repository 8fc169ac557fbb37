-- Each article with its MinHash signature (its text only where an older version
-- stored none), its document embedding (if it has one) and the entities it mentions.
SELECT a.article_id, a.language, a.published_at,
       CASE WHEN a.minhash IS NULL THEN a.text END AS text,
       e.vector,
       coalesce(list(DISTINCT m.entity_id) FILTER (WHERE m.entity_id IS NOT NULL), []) AS entity_ids,
       a.minhash
FROM articles AS a
LEFT JOIN embeddings AS e
  ON e.text_hash = $prefix || a.article_id AND e.model_id = $model_id
LEFT JOIN mentions AS m USING (article_id)
GROUP BY ALL
ORDER BY a.article_id;
