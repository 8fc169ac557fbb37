-- The UTC offset a publication time was stated with, in minutes east of UTC
-- (480 for +08:00): `published_at` keeps the moment, this keeps the zone's offset,
-- so that the local hour of publication can be read back.
ALTER TABLE pages ADD COLUMN hint_published_offset SMALLINT;   -- of hint_published, when given with its time
ALTER TABLE articles ADD COLUMN published_offset SMALLINT;     -- NULL when the page stated no time with an offset
