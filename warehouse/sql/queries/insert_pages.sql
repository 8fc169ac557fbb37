-- A page fetched again with a different body must be processed again.
DELETE FROM page_outcomes WHERE page_id IN (
    SELECT i.page_id FROM incoming AS i JOIN pages AS p USING (page_id)
    WHERE p.body_sha256 <> i.body_sha256
);
INSERT OR REPLACE INTO pages BY NAME SELECT * FROM incoming;
