-- Labs and models by language: how many relevant articles of the week name them.
SELECT e.kind, e.name, a.language, count(DISTINCT a.article_id) AS articles
FROM mentions AS m
JOIN entities AS e USING (entity_id)
JOIN articles AS a USING (article_id)
WHERE a.relevant
  AND coalesce(a.published_at, a.fetched_at) >= $week_start
  AND coalesce(a.published_at, a.fetched_at) < $week_end
GROUP BY ALL
ORDER BY articles DESC, e.name, a.language
