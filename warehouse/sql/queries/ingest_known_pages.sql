-- Stored pages with these ids that were processed, with what makes them the same
-- document: their body and the hints given by hand.
SELECT p.page_id, p.body_sha256, p.hint_title, p.hint_language, p.hint_published, p.hint_published_offset
FROM pages AS p
JOIN page_outcomes AS o USING (page_id)
WHERE p.page_id IN (SELECT unnest($ids));
