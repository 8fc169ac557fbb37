-- Every alias of the knowledge base's labs and models for `veille export` (not partitioned).
SELECT entity_id, alias, language
FROM entity_aliases
ORDER BY entity_id, language, alias;
