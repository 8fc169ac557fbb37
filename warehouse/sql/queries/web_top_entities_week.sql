-- The labs and models named in the most articles of the latest seven days
-- that hold articles (or of the seven days before $until), one row per language
-- (daily counts of summary_entity_days).
WITH bounds AS (
    SELECT coalesce($until::DATE + 1, max(day) + 1) AS week_end FROM summary_article_days
),
named AS (
    SELECT d.entity_id, d.language, sum(d.articles) AS articles
    FROM summary_entity_days AS d, bounds AS b
    WHERE d.day >= b.week_end - 7 AND d.day < b.week_end
      AND ($language::VARCHAR IS NULL OR d.language = $language)
      AND ($source::VARCHAR IS NULL OR d.source = $source)
    GROUP BY ALL
),
top AS (
    SELECT entity_id, sum(articles) AS total FROM named GROUP BY entity_id ORDER BY total DESC, entity_id LIMIT 15
)
SELECT e.entity_id, e.name, e.kind, n.language, n.articles::BIGINT AS articles, t.total::BIGINT AS all_languages
FROM named AS n
JOIN top AS t USING (entity_id)
JOIN entities AS e USING (entity_id)
ORDER BY all_languages DESC, e.name, n.language;
