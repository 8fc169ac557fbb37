-- One entity's names, language by language.
SELECT language, string_agg(alias, ' · ' ORDER BY alias) AS names
FROM entity_aliases
WHERE entity_id = $entity
GROUP BY language
ORDER BY language;
