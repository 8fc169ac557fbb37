-- One stance's representative passages, with the articles they come from.
SELECT r.rank, r.language, r.text, r.article_id, a.title, a.source,
       CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS day
FROM stance_representatives AS r
JOIN articles AS a USING (article_id)
WHERE r.cluster_id = $stance
ORDER BY r.rank
LIMIT 12;
