-- The passages and stances of the articles of one batch, before their passages are redone
-- (their stance assignment is then to redo as well).
DELETE FROM article_stances WHERE article_id IN (SELECT page_id FROM batch_ids);
DELETE FROM passage_stances WHERE passage_id IN (
    SELECT passage_id FROM passages WHERE article_id IN (SELECT page_id FROM batch_ids));
DELETE FROM passages WHERE article_id IN (SELECT page_id FROM batch_ids);
DELETE FROM page_steps WHERE step = 'stances' AND page_id IN (SELECT page_id FROM batch_ids);
