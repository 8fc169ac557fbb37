-- Forget the stance decisions of the passages of these articles, so that the
-- cluster stage places them again as new.
DELETE FROM passage_stances WHERE passage_id IN (
    SELECT passage_id FROM passages WHERE article_id IN (SELECT page_id FROM batch_ids));
DELETE FROM article_stances WHERE article_id IN (SELECT page_id FROM batch_ids);
