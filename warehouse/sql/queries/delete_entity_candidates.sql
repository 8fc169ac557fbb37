-- The candidate names found in the pages of one batch, before it is written again.
DELETE FROM entity_candidate_mentions WHERE article_id IN (SELECT page_id FROM batch_ids);
