-- Each article's stances, strongest first.
SELECT a.url, a.language, s.cluster_id, s.score
FROM article_stances AS s
JOIN articles AS a USING (article_id)
ORDER BY a.url, s.score DESC, s.cluster_id;
