SELECT * FROM entity_candidate_mentions WHERE article_id IN (SELECT unnest($ids::VARCHAR[])) ORDER BY article_id, start_char;
