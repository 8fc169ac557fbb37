-- Relevant articles whose document has no stance probabilities yet with this
-- embedding model, with their document vector and what it reads.
SELECT a.article_id, a.language, a.title, a.text, e.vector
FROM articles AS a
JOIN embeddings AS e ON e.text_hash = $prefix || a.article_id AND e.model_id = $model_id
WHERE a.relevant
  AND a.article_id NOT IN (SELECT article_id FROM document_stances WHERE model_id = $model_id)
ORDER BY a.article_id;
