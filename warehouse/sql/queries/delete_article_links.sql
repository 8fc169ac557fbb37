-- The mentions and candidate names of the articles of one batch, before they are linked again.
DELETE FROM mentions WHERE article_id IN (SELECT page_id FROM batch_ids);
DELETE FROM entity_candidate_mentions WHERE article_id IN (SELECT page_id FROM batch_ids);
