SELECT cluster_id, label, kind, polarity, labels, keywords, representatives, model_id, centroid, size
FROM stance_clusters
WHERE model_id = $model_id
ORDER BY cluster_id;
