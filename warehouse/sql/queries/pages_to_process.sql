-- Pages never processed, processed by another nlp_version, or (when
-- reprocessing) processed before this run began.
SELECT p.page_id, p.url, p.final_url, p.source, p.status, p.content_type, p.charset,
       p.headers, p.body, p.fetched_at, p.origin, p.run_id,
       p.hint_language, p.hint_title, p.hint_published
FROM pages AS p
LEFT JOIN page_outcomes AS o USING (page_id)
WHERE o.page_id IS NULL OR o.nlp_version <> $version OR o.processed_at < $since
ORDER BY p.page_id
LIMIT $limit;
