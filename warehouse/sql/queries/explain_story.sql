-- The articles of one story, with their document embeddings and the labs and models they name.
SELECT a.article_id, a.language, a.title, a.url, a.published_at, e.vector,
       list(DISTINCT m.entity_id) FILTER (WHERE m.entity_id IS NOT NULL) AS entity_ids
FROM articles AS a
LEFT JOIN embeddings AS e ON e.text_hash = $prefix || a.article_id AND e.model_id = $model_id
LEFT JOIN mentions AS m ON m.article_id = a.article_id
WHERE a.story_id = $story_id
GROUP BY ALL
ORDER BY a.published_at, a.article_id;
