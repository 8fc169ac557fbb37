-- Candidate model names seen in at least $min_count articles, most frequent first.
SELECT surface, name, language, articles, mentions, first_seen, last_seen, examples
FROM entity_candidates
WHERE articles >= $min_count
ORDER BY articles DESC, mentions DESC, last_seen DESC, name;
