-- Which of these page ids the warehouse already holds.
SELECT page_id FROM pages WHERE page_id IN (SELECT unnest($ids));
