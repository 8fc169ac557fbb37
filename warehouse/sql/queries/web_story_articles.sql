-- One story's articles with their outlet, date and strongest stance.
WITH top_stance AS (
    SELECT s.article_id, arg_max(c.label, s.score) AS stance
    FROM article_stances AS s
    JOIN stance_clusters AS c USING (cluster_id)
    JOIN articles AS a USING (article_id)
    WHERE a.story_id = $story
    GROUP BY s.article_id
)
SELECT a.language, a.article_id, a.title, a.source,
       CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS day, t.stance
FROM articles AS a
LEFT JOIN top_stance AS t USING (article_id)
WHERE a.story_id = $story
ORDER BY a.language, day, a.title;
