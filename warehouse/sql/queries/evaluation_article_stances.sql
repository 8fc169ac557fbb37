-- Every article's stance shares, for comparing two cluster runs.
SELECT article_id, cluster_id, round(score, 6) AS score
FROM article_stances
ORDER BY article_id, cluster_id;
