-- Articles per source and language, within the page's filters.
SELECT source, language, count(*) AS articles, count(*) FILTER (WHERE relevant) AS relevant
FROM articles
WHERE ($language::VARCHAR IS NULL OR language = $language)
  AND ($source::VARCHAR IS NULL OR source = $source)
  AND ($since::DATE IS NULL OR coalesce(published_at, fetched_at) >= $since::DATE)
  AND ($until::DATE IS NULL OR coalesce(published_at, fetched_at) < $until::DATE + 1)
GROUP BY ALL
ORDER BY articles DESC, source, language;
