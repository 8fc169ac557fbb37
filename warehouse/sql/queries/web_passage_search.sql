-- The passages closest in meaning to one query vector (vectors are unit length,
-- so the inner product is the cosine), in every language, within the filters.
SELECT round(list_inner_product(e.vector, $vector::FLOAT[])::DOUBLE, 3) AS similarity, p.language, p.text,
       p.article_id, a.title, a.source
FROM passages AS p
JOIN embeddings AS e ON e.text_hash = p.text_hash AND e.model_id = $model_id
JOIN articles AS a USING (article_id)
WHERE ($language::VARCHAR IS NULL OR p.language = $language)
  AND ($source::VARCHAR IS NULL OR a.source = $source)
ORDER BY similarity DESC, p.passage_id
LIMIT 20;
