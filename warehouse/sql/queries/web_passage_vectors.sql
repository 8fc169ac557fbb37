-- Every passage's vector for one encoder, with what the search by meaning filters
-- on, for the in-memory index that ranks passages as web_passage_search does.
SELECT p.passage_id, p.language, a.source, e.vector
FROM passages AS p
JOIN embeddings AS e ON e.text_hash = p.text_hash AND e.model_id = $model_id
JOIN articles AS a USING (article_id);
