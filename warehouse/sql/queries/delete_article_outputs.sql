-- Everything derived from the pages of one batch, before it is written again.
DELETE FROM article_stances WHERE article_id IN (SELECT page_id FROM batch_ids);
DELETE FROM passage_stances WHERE passage_id IN (
    SELECT passage_id FROM passages WHERE article_id IN (SELECT page_id FROM batch_ids));
DELETE FROM passages WHERE article_id IN (SELECT page_id FROM batch_ids);
DELETE FROM mentions WHERE article_id IN (SELECT page_id FROM batch_ids);
DELETE FROM articles WHERE article_id IN (SELECT page_id FROM batch_ids);
DELETE FROM page_outcomes WHERE page_id IN (SELECT page_id FROM batch_ids);
DELETE FROM page_steps WHERE page_id IN (SELECT page_id FROM batch_ids);
