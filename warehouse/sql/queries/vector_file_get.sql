-- The stem of the files holding one encoder's passage vectors, if written.
SELECT token, passages FROM vector_files WHERE model_id = $model_id;
