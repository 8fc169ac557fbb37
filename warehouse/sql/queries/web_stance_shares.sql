-- Each stance's share of the stance-taking articles per ISO week and language,
-- over the last $weeks weeks before the newest article (or before $until), as
-- the stance_share_weekly view counts them: an article's scores add up to 1.
-- One stance when $stance is given (its share still counts every stance).
-- Reads the daily sums of summary_stance_days.
WITH bounds AS (
    SELECT coalesce($until::DATE + 1, CAST(max(published_at) AS DATE) + 1) AS week_end FROM articles
),
per_stance AS (
    SELECT strftime(d.day, '%G-W%V') AS week, d.language, d.cluster_id,
           sum(d.weight) AS weight, sum(d.articles)::BIGINT AS articles
    FROM summary_stance_days AS d, bounds AS b
    WHERE d.day >= b.week_end - 7 * $weeks AND d.day < b.week_end
      AND ($language::VARCHAR IS NULL OR d.language = $language)
      AND ($source::VARCHAR IS NULL OR d.source = $source)
    GROUP BY ALL
),
shares AS (
    SELECT *, weight / sum(weight) OVER (PARTITION BY week, language) AS share FROM per_stance
)
SELECT s.week, s.language, s.cluster_id, c.label AS label,
       c.kind, s.articles, round(s.share, 4) AS share
FROM shares AS s
JOIN stance_clusters AS c USING (cluster_id)
WHERE ($stance::VARCHAR IS NULL OR s.cluster_id = $stance)
ORDER BY s.week, s.language, s.share DESC;
