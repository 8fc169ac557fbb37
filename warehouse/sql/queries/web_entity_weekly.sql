-- Articles naming one entity, and its mentions, per ISO week and language
-- (summary_entity_days), within the page's language, source and dates.
SELECT strftime(day, '%G-W%V') AS week, language, sum(articles)::BIGINT AS articles,
       sum(mentions)::BIGINT AS mentions
FROM summary_entity_days
WHERE entity_id = $entity
  AND ($language::VARCHAR IS NULL OR language = $language)
  AND ($source::VARCHAR IS NULL OR source = $source)
  AND ($since::DATE IS NULL OR day >= $since::DATE)
  AND ($until::DATE IS NULL OR day <= $until::DATE)
GROUP BY ALL
ORDER BY week, language;
