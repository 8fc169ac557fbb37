-- Backfill from WARC archives: how far each archive file has been read.
-- A batch of pages and the offset after its last record are written in one
-- transaction, so a backfill killed mid-file resumes at that offset: no record
-- is stored twice and none is skipped.
CREATE TABLE backfill_files (
    file_name    VARCHAR PRIMARY KEY,          -- the archive's file name (CC-NEWS names are unique)
    path         VARCHAR NOT NULL,             -- where it was last read from
    size         BIGINT NOT NULL,              -- its size in bytes
    next_offset  BIGINT NOT NULL,              -- where reading resumes: the start of a gzip member
    records      BIGINT NOT NULL DEFAULT 0,    -- WARC records read
    responses    BIGINT NOT NULL DEFAULT 0,    -- HTTP responses of HTML pages among them
    kept         BIGINT NOT NULL DEFAULT 0,    -- responses the prefilter kept
    stored       BIGINT NOT NULL DEFAULT 0,    -- kept pages stored (the others were already in the warehouse)
    damaged      BIGINT NOT NULL DEFAULT 0,    -- damaged stretches skipped (truncated or corrupt members)
    done         BOOLEAN NOT NULL DEFAULT false,
    updated_at   TIMESTAMPTZ NOT NULL
);
