-- Assigned passages per cluster, with the cluster's kind and label.
SELECT c.cluster_id, c.kind, c.label, count(s.passage_id) AS passages
FROM stance_clusters AS c
LEFT JOIN passage_stances AS s ON s.cluster_id = c.cluster_id AND s.model_id = c.model_id
GROUP BY ALL
ORDER BY passages DESC, c.cluster_id;
