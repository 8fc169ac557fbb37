SELECT c.label, count(DISTINCT s.article_id) AS articles
FROM stance_clusters AS c
LEFT JOIN article_stances AS s USING (cluster_id)
GROUP BY c.cluster_id, c.label
HAVING count(DISTINCT s.article_id) > 0
ORDER BY articles DESC, c.label;
