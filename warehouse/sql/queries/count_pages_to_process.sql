SELECT count(*)
FROM pages AS p
LEFT JOIN page_outcomes AS o USING (page_id)
WHERE o.page_id IS NULL OR o.nlp_version <> $version OR o.processed_at < $since;
