-- Record the files now holding one encoder's passage vectors.
INSERT OR REPLACE INTO vector_files (model_id, token, passages, written_at)
VALUES ($model_id, $token, $passages, now());
