-- The language and text of some articles: what linking reads.
SELECT article_id, language, text FROM articles WHERE article_id IN (SELECT unnest($ids::VARCHAR[])) ORDER BY article_id;
