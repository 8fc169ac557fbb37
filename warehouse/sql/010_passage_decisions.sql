-- What the cluster stage decided for each passage: "stance" (it joined a seeded
-- or emergent cluster), "none" (it reads as factual news and takes no stance),
-- or "waiting" (undecided: it may join an emergent cluster when new passages
-- come). Only waiting passages are read back by later runs.
ALTER TABLE passage_stances ADD COLUMN decision VARCHAR;
UPDATE passage_stances SET decision = CASE WHEN cluster_id IS NULL THEN 'waiting' ELSE 'stance' END;
