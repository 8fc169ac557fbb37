SELECT *
FROM stance_clusters
WHERE model_id = $model_id
ORDER BY cluster_id;
