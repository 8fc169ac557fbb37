-- Every stance with its labels in the three languages and how many articles take it.
SELECT c.cluster_id, c.kind, c.polarity,
       coalesce(json_extract_string(c.labels, '$.en'), c.label) AS label_en,
       json_extract_string(c.labels, '$.fr') AS label_fr,
       json_extract_string(c.labels, '$.zh') AS label_zh,
       c.size AS passages, count(s.article_id) AS articles
FROM stance_clusters AS c
LEFT JOIN article_stances AS s USING (cluster_id)
WHERE ($stance::VARCHAR IS NULL OR c.cluster_id = $stance)
GROUP BY ALL
ORDER BY articles DESC, label_en;
