-- Sources whose first article ever is dated in the week.
WITH dated AS (
    SELECT source, language, coalesce(published_at, fetched_at) AS dated_at
    FROM articles
),
first_articles AS (
    SELECT source, min(dated_at) AS first_article
    FROM dated
    GROUP BY source
),
week_counts AS (
    SELECT source, mode(language) AS language, count(*) AS articles
    FROM dated
    WHERE dated_at >= $week_start AND dated_at < $week_end
    GROUP BY source
)
SELECT f.source, w.language, w.articles, f.first_article
FROM first_articles AS f
JOIN week_counts AS w USING (source)
WHERE f.first_article >= $week_start AND f.first_article < $week_end
ORDER BY w.articles DESC, f.source;
