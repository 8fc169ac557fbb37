-- Article stances for `veille export`, with the stance's label, partitioned like the article.
WITH dated AS (
    SELECT article_id, language, coalesce(published_at, fetched_at) AT TIME ZONE 'UTC' AS moment FROM articles
)
SELECT s.article_id, s.cluster_id, c.label, c.kind, c.polarity, s.score, s.passages,
       printf('%04d-W%02d', isoyear(d.moment), week(d.moment)) AS week, d.language
FROM article_stances AS s
JOIN dated AS d USING (article_id)
JOIN stance_clusters AS c USING (cluster_id)
ORDER BY week, d.language, s.article_id, s.cluster_id;
