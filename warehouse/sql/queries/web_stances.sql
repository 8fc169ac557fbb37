-- Every stance with its labels in the three languages and how many articles take it.
WITH taken AS (
    SELECT cluster_id, count(*) AS articles FROM article_stances GROUP BY cluster_id
)
SELECT c.cluster_id, c.kind, c.polarity,
       coalesce(json_extract_string(c.labels, '$.en'), c.label) AS label_en,
       json_extract_string(c.labels, '$.fr') AS label_fr,
       json_extract_string(c.labels, '$.zh') AS label_zh,
       c.size AS passages, coalesce(t.articles, 0) AS articles
FROM stance_clusters AS c
LEFT JOIN taken AS t USING (cluster_id)
WHERE ($stance::VARCHAR IS NULL OR c.cluster_id = $stance)
ORDER BY articles DESC, label_en;
