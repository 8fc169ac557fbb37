-- Articles naming one entity, per ISO week and language (summary_entity_days).
SELECT strftime(day, '%G-W%V') AS week, language, sum(articles)::BIGINT AS articles
FROM summary_entity_days
WHERE entity_id = $entity
GROUP BY ALL
ORDER BY week, language;
