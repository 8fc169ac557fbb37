-- Linking reads the knowledge base apart from the rest of its step's version: the
-- link record of a page says which knowledge base (by fingerprint) it was linked
-- with, and the warehouse keeps the text of each knowledge base some page is still
-- linked with, so that a change is diffed against it and only the articles the
-- change can reach are linked again.
ALTER TABLE page_steps ADD COLUMN knowledge VARCHAR;  -- on link records only; NULL: not known
CREATE TABLE knowledge_bases (
    fingerprint VARCHAR PRIMARY KEY,
    content     VARCHAR NOT NULL,   -- the knowledge base file as it was read
    saved_at    TIMESTAMPTZ NOT NULL
);
