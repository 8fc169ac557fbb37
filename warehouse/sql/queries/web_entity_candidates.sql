-- Names the knowledge base does not know yet, most seen first.
SELECT name, language, surface, articles, mentions,
       CAST(first_seen AS DATE) AS first_seen, CAST(last_seen AS DATE) AS last_seen
FROM entity_candidates
ORDER BY articles DESC, name
LIMIT 25;
