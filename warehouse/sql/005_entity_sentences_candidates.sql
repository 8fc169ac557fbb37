-- Mentions carry the sentence they stand in; methods are ruler | fuzzy | ner
-- (rows written before this migration said "exact" for the ruler).
ALTER TABLE mentions ADD COLUMN sentence VARCHAR;
UPDATE mentions SET method = 'ruler' WHERE method = 'exact';

-- Model-like names the knowledge base does not know yet, one row per place an
-- article writes one. Rows belong to their article: reprocessing replaces them,
-- so the counts below never count an article twice.
CREATE TABLE entity_candidate_mentions (
    article_id VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,               -- normalised: NFKC, case and spacing folded
    surface    VARCHAR NOT NULL,               -- as written
    language   VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char   INTEGER NOT NULL,
    sentence   VARCHAR NOT NULL,
    PRIMARY KEY (article_id, start_char)
);

-- One row per candidate name and language, for a curator to add to the knowledge base.
CREATE VIEW entity_candidates AS
WITH seen AS (
    SELECT c.*, coalesce(a.published_at, a.fetched_at) AS seen_at
    FROM entity_candidate_mentions c
    JOIN articles a USING (article_id)
),
named AS (
    SELECT name, language, mode(surface) AS surface, count(*) AS mentions,
           count(DISTINCT article_id) AS articles, min(seen_at) AS first_seen, max(seen_at) AS last_seen,
           list(DISTINCT sentence ORDER BY sentence)[1:3] AS examples
    FROM seen
    GROUP BY name, language
)
SELECT * FROM named;
