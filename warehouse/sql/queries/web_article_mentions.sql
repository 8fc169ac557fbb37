-- The labs and models one article names, where it names them.
SELECT m.start_char, m.end_char, m.surface, m.entity_id, e.name, e.kind, m.method
FROM mentions AS m
JOIN entities AS e USING (entity_id)
WHERE m.article_id = $article
ORDER BY m.start_char;
