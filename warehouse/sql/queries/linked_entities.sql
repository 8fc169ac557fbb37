-- The entities each of some articles' stored mentions name.
SELECT article_id, list(DISTINCT entity_id) AS entity_ids
FROM mentions WHERE article_id IN (SELECT unnest($ids::VARCHAR[])) GROUP BY article_id;
