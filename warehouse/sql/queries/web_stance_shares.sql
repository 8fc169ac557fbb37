-- Each stance's share of the stance-taking articles per ISO week and language,
-- over the last $weeks weeks that hold any (one stance when $stance is given).
WITH recent AS (
    SELECT DISTINCT week FROM stance_share_weekly ORDER BY week DESC LIMIT $weeks
)
SELECT s.week, s.language, s.cluster_id, s.label, s.kind, s.articles, round(s.share, 4) AS share
FROM stance_share_weekly AS s
JOIN recent USING (week)
WHERE ($language::VARCHAR IS NULL OR s.language = $language)
  AND ($stance::VARCHAR IS NULL OR s.cluster_id = $stance)
ORDER BY s.week, s.language, s.share DESC;
