SELECT text_hash FROM embeddings WHERE model_id = $model_id AND NOT starts_with(text_hash, 'doc:');
