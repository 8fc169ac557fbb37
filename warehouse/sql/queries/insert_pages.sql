-- A page stored again with a different body, or different hints given by hand
-- (title, language, publication time and its offset), must be processed again.
DELETE FROM page_outcomes WHERE page_id IN (
    SELECT i.page_id FROM incoming AS i JOIN pages AS p USING (page_id)
    WHERE p.body_sha256 <> i.body_sha256
       OR p.hint_title IS DISTINCT FROM i.hint_title
       OR p.hint_language IS DISTINCT FROM i.hint_language
       OR p.hint_published IS DISTINCT FROM i.hint_published
       OR p.hint_published_offset IS DISTINCT FROM i.hint_published_offset
);
INSERT OR REPLACE INTO pages BY NAME SELECT * FROM incoming;
