SELECT e.text_hash, e.vector
FROM embeddings AS e
WHERE e.model_id = $model_id AND e.text_hash IN (SELECT text_hash FROM wanted);
