-- Articles per source and language, within the page's filters (summary_article_days).
SELECT source, language, sum(articles)::BIGINT AS articles, sum(relevant)::BIGINT AS relevant
FROM summary_article_days
WHERE ($language::VARCHAR IS NULL OR language = $language)
  AND ($source::VARCHAR IS NULL OR source = $source)
  AND ($since::DATE IS NULL OR day >= $since::DATE)
  AND ($until::DATE IS NULL OR day <= $until::DATE)
GROUP BY ALL
ORDER BY articles DESC, source, language;
