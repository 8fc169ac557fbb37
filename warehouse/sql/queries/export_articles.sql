-- Articles for `veille export`: plain column types, partitioned by the ISO week
-- (in UTC) of their publication, or of their fetch when the page stated no date.
WITH dated AS (
    SELECT *, coalesce(published_at, fetched_at) AT TIME ZONE 'UTC' AS moment FROM articles
)
SELECT article_id, url, source, title, author, site_name, script, published_at, published_offset, fetched_at,
       text, word_count, relevance, relevant, CAST(relevance_evidence AS VARCHAR) AS relevance_evidence,
       story_id, nlp_version, processed_at,
       printf('%04d-W%02d', isoyear(moment), week(moment)) AS week, language
FROM dated
ORDER BY week, language, article_id;
