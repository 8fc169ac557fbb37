-- The labs and models named in the most articles of the latest seven days
-- that hold articles (or of the seven days before $until), one row per language.
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
),
named AS (
    SELECT DISTINCT m.entity_id, w.article_id, w.language
    FROM mentions AS m
    JOIN week AS w USING (article_id)
),
top AS (
    SELECT entity_id, count(*) AS total FROM named GROUP BY entity_id ORDER BY total DESC, entity_id LIMIT 15
)
SELECT e.entity_id, e.name, e.kind, n.language, count(*) AS articles, any_value(t.total) AS all_languages
FROM named AS n
JOIN top AS t USING (entity_id)
JOIN entities AS e USING (entity_id)
GROUP BY ALL
ORDER BY all_languages DESC, e.name, n.language;
