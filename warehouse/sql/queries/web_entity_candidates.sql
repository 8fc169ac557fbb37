-- Names the knowledge base does not know yet, most seen first (in the page's language, if given).
SELECT name, language, surface, articles, mentions,
       CAST(first_seen AS DATE) AS first_seen, CAST(last_seen AS DATE) AS last_seen
FROM entity_candidates
WHERE ($language::VARCHAR IS NULL OR language = $language)
ORDER BY articles DESC, name
LIMIT 25;
