-- The stored pages with these ids (bodies zlib-compressed), in id order.
SELECT p.page_id, p.url, p.final_url, p.source, p.status, p.content_type, p.charset,
       p.headers, p.body, p.fetched_at, p.origin, p.run_id,
       p.hint_language, p.hint_title, p.hint_published, p.hint_published_offset
FROM pages AS p
WHERE p.page_id IN (SELECT unnest($ids::VARCHAR[]))
ORDER BY p.page_id;
