-- Each stance's share of the stance-taking articles per ISO week and language,
-- over the last $weeks weeks before the newest article (or before $until), as
-- the stance_share_weekly view counts them: an article's scores add up to 1.
-- One stance when $stance is given (its share still counts every stance).
WITH bounds AS (
    SELECT coalesce($until::DATE + 1, CAST(max(published_at) AS DATE) + 1) AS week_end FROM articles
),
scored AS (
    SELECT strftime(a.published_at, '%G-W%V') AS week, a.language, s.cluster_id, s.score, s.article_id
    FROM article_stances AS s
    JOIN articles AS a USING (article_id), bounds AS b
    WHERE a.relevant AND a.published_at >= b.week_end - 7 * $weeks AND a.published_at < b.week_end
      AND ($language::VARCHAR IS NULL OR a.language = $language)
      AND ($source::VARCHAR IS NULL OR a.source = $source)
),
per_stance AS (
    SELECT week, language, cluster_id, sum(score) AS weight, count(*) AS articles
    FROM scored
    GROUP BY week, language, cluster_id
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
