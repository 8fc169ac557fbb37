-- Each page with a process step to redo, and the first such step (the ordinal of
-- current_steps: 0 is extraction). A step is to redo where the page has no record of
-- it or one at another version; only pages with an article have steps after
-- extraction. When reprocessing, pages processed before $since are redone whole.
SELECT p.page_id, min(c.ordinal) AS first_step, coalesce(any_value(o.outcome) = 'article', false) AS article
FROM pages AS p
CROSS JOIN current_steps AS c
LEFT JOIN page_outcomes AS o USING (page_id)
LEFT JOIN page_steps AS s ON s.page_id = p.page_id AND s.step = c.step
WHERE (c.ordinal = 0 AND (o.page_id IS NULL OR o.processed_at < $since OR s.version IS DISTINCT FROM c.version))
   OR (c.ordinal > 0 AND o.outcome = 'article' AND s.version IS DISTINCT FROM c.version)
GROUP BY p.page_id
ORDER BY p.page_id;
