SELECT e.name, count(DISTINCT m.article_id) AS articles
FROM mentions AS m
JOIN entities AS e USING (entity_id)
GROUP BY e.name
ORDER BY articles DESC, e.name
LIMIT 10;
