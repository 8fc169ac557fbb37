-- Articles per day and language, within the page's filters.
SELECT CAST(coalesce(published_at, fetched_at) AS DATE) AS day, language, count(*) AS articles
FROM articles
WHERE ($language::VARCHAR IS NULL OR language = $language)
  AND ($source::VARCHAR IS NULL OR source = $source)
  AND ($since::DATE IS NULL OR coalesce(published_at, fetched_at) >= $since::DATE)
  AND ($until::DATE IS NULL OR coalesce(published_at, fetched_at) < $until::DATE + 1)
GROUP BY ALL
ORDER BY day, language;
