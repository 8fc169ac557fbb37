-- The stored pages with these ids (bodies zlib-compressed), in id order.
SELECT p.*
FROM pages AS p
WHERE p.page_id IN (SELECT unnest($ids::VARCHAR[]))
ORDER BY p.page_id;
