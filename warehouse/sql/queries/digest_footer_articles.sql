-- Every relevant article of the week, newest first.
SELECT coalesce(published_at, fetched_at) AS dated_at, language, source, title, url
FROM articles
WHERE relevant
  AND coalesce(published_at, fetched_at) >= $week_start
  AND coalesce(published_at, fetched_at) < $week_end
ORDER BY dated_at DESC
