-- What each relevant article's document (its title and lead, the vector the
-- process stage stores under 'doc:' || article_id) argues, read by the seeded
-- stance classifier as a whole: one row per seeded stance and one for 'none',
-- each with its probability. The article takes no stance when 'none' is the
-- most probable; else these probabilities weigh in its article_stances
-- (queries/rebuild_article_stances.sql). Written by the cluster stage.
CREATE TABLE document_stances (
    article_id  VARCHAR NOT NULL,
    model_id    VARCHAR NOT NULL,
    stance      VARCHAR NOT NULL,   -- a seeded stance id, or 'none'
    probability FLOAT NOT NULL,
    PRIMARY KEY (article_id, model_id, stance)
);
