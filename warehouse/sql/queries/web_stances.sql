-- Every stance with its label in each language and how many articles take it.
WITH taken AS (
    SELECT cluster_id, count(*) AS articles FROM article_stances GROUP BY cluster_id
)
SELECT c.cluster_id, c.kind, c.polarity, c.label,
       (SELECT string_agg(key || ': ' || (value ->> '$'), ' · ' ORDER BY key) FROM json_each(c.labels)) AS labels,
       c.size AS passages, coalesce(t.articles, 0) AS articles
FROM stance_clusters AS c
LEFT JOIN taken AS t USING (cluster_id)
WHERE ($stance::VARCHAR IS NULL OR c.cluster_id = $stance)
ORDER BY articles DESC, c.label;
