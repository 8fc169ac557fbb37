SELECT count(*) FROM passage_stances WHERE model_id = $model_id AND cluster_id IS NOT NULL;
