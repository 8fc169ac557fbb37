-- The evidence behind each article's relevance score (terms, entities,
-- similarity, each feature's contribution), as JSON, for `veille explain`.
ALTER TABLE articles ADD COLUMN relevance_evidence JSON;
