-- Clusters written again keep the time they were first created.
INSERT OR REPLACE INTO stance_clusters BY NAME
SELECT i.* REPLACE (coalesce(c.created_at, i.created_at) AS created_at)
FROM incoming_clusters AS i
LEFT JOIN stance_clusters AS c ON c.cluster_id = i.cluster_id;
INSERT OR REPLACE INTO passage_stances BY NAME SELECT * FROM incoming_stances;
