-- The latest stories told in more than one language.
SELECT story_id, count(*) AS articles, count(DISTINCT language) AS languages,
       string_agg(DISTINCT language, ' ' ORDER BY language) AS in_languages,
       arg_min(title, coalesce(published_at, fetched_at)) AS first_title,
       CAST(max(coalesce(published_at, fetched_at)) AS DATE) AS last_day
FROM articles
WHERE story_id IS NOT NULL AND relevant
  AND ($language::VARCHAR IS NULL OR language = $language)
GROUP BY story_id
HAVING count(DISTINCT language) > 1
ORDER BY last_day DESC, articles DESC, story_id
LIMIT 50;
