-- Ids of the pages never processed, processed by another nlp_version, or (when
-- reprocessing) processed before this run began, in a stable order.
SELECT p.page_id
FROM pages AS p
LEFT JOIN page_outcomes AS o USING (page_id)
WHERE o.page_id IS NULL OR o.nlp_version <> $version OR o.processed_at < $since
ORDER BY p.page_id;
