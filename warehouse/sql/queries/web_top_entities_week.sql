-- The labs and models named in the most articles of the latest seven days
-- that hold articles (or of the seven days before $until).
WITH bounds AS (
    SELECT coalesce($until::DATE + 1, CAST(max(coalesce(published_at, fetched_at)) AS DATE) + 1) AS week_end
    FROM articles
),
week AS (
    SELECT a.article_id, a.language
    FROM articles AS a, bounds AS b
    WHERE coalesce(a.published_at, a.fetched_at) >= b.week_end - 7
      AND coalesce(a.published_at, a.fetched_at) < b.week_end
      AND ($language::VARCHAR IS NULL OR a.language = $language)
      AND ($source::VARCHAR IS NULL OR a.source = $source)
)
SELECT e.entity_id, e.name, e.kind, count(DISTINCT m.article_id) AS articles,
       count(DISTINCT m.article_id) FILTER (WHERE w.language = 'en') AS en,
       count(DISTINCT m.article_id) FILTER (WHERE w.language = 'fr') AS fr,
       count(DISTINCT m.article_id) FILTER (WHERE w.language = 'zh') AS zh
FROM mentions AS m
JOIN week AS w USING (article_id)
JOIN entities AS e USING (entity_id)
GROUP BY ALL
ORDER BY articles DESC, e.name
LIMIT 15;
