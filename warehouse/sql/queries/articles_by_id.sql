SELECT * FROM articles WHERE article_id IN (SELECT unnest($ids::VARCHAR[])) ORDER BY article_id;
