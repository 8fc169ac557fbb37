-- Articles dated in the week, and how many of them are relevant, by language.
-- An article is dated by its publication time, or by its fetch time when the
-- page gave no date.
WITH dated AS (
    SELECT language, relevant, coalesce(published_at, fetched_at) AS dated_at
    FROM articles
),
week_articles AS (
    SELECT language, relevant
    FROM dated
    WHERE dated_at >= $week_start AND dated_at < $week_end
)
SELECT language,
       count(*) AS articles,
       count(*) FILTER (WHERE relevant) AS relevant
FROM week_articles
GROUP BY language
ORDER BY articles DESC, language;
