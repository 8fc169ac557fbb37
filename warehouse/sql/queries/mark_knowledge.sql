-- Articles a change of the knowledge base cannot reach: linked with the new one, without work.
UPDATE page_steps SET knowledge = $fingerprint
WHERE step = 'link' AND page_id IN (SELECT page_id FROM batch_ids);
