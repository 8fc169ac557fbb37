-- One stance's representative passages, with the articles they come from (summary_stance_passages).
SELECT rank, language, text, article_id, title, source, day
FROM summary_stance_passages
WHERE cluster_id = $stance
ORDER BY rank
LIMIT 12;
