-- What `veille status` reports: each run of the scheduled jobs, and each source's health.

-- One row per run of a job (nightly, weekly): a run killed before its end stays
-- 'running' until the next run of that job marks it 'interrupted'.
CREATE TABLE job_runs (
    run_id      VARCHAR PRIMARY KEY,           -- job name + UTC timestamp + random suffix
    job         VARCHAR NOT NULL,              -- nightly | weekly
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    outcome     VARCHAR NOT NULL,              -- running | ok | failed | interrupted
    summary     VARCHAR                        -- the run's closing line, or its error
);

-- Each source's latest crawl: updated at the end of every crawl run that tried it.
-- A source succeeds in a run when one of its feeds, sitemaps, listings or pages
-- was fetched (or answered "not modified"); it fails when it only met errors.
CREATE TABLE source_health (
    source               VARCHAR PRIMARY KEY,
    last_attempt_at      TIMESTAMPTZ NOT NULL,
    last_success_at      TIMESTAMPTZ,
    consecutive_failures INTEGER NOT NULL,     -- crawl runs in a row where it only failed
    last_error           VARCHAR,              -- outcome, URL and reason of its latest error
    last_error_at        TIMESTAMPTZ,
    last_run_id          VARCHAR NOT NULL
);
