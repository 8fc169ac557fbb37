-- Mentions for `veille export`, partitioned like the article they stand in.
WITH dated AS (
    SELECT article_id, language, coalesce(published_at, fetched_at) AT TIME ZONE 'UTC' AS moment FROM articles
)
SELECT m.article_id, m.entity_id, m.surface, m.start_char, m.end_char, m.method, m.score, m.sentence,
       printf('%04d-W%02d', isoyear(d.moment), week(d.moment)) AS week, d.language
FROM mentions AS m
JOIN dated AS d USING (article_id)
ORDER BY week, d.language, m.article_id, m.start_char;
