-- Each article with its document embedding (if it has one) and the entities it mentions.
SELECT a.article_id, a.language, a.published_at, a.text, e.vector,
       coalesce(list(DISTINCT m.entity_id) FILTER (WHERE m.entity_id IS NOT NULL), []) AS entity_ids
FROM articles AS a
LEFT JOIN embeddings AS e
  ON e.text_hash = $prefix || a.article_id AND e.model_id = $model_id
LEFT JOIN mentions AS m USING (article_id)
GROUP BY ALL
ORDER BY a.article_id;
