-- The sources a crawl run tried (`incoming`: source, run_id, attempted_at,
-- succeeded, error), merged into their health record.
INSERT INTO source_health
SELECT source,
       attempted_at AS last_attempt_at,
       CASE WHEN succeeded THEN attempted_at END AS last_success_at,
       CASE WHEN succeeded THEN 0 ELSE 1 END AS consecutive_failures,
       error AS last_error,
       CASE WHEN error IS NOT NULL THEN attempted_at END AS last_error_at,
       run_id AS last_run_id
FROM incoming
ON CONFLICT (source) DO UPDATE SET
    last_attempt_at = excluded.last_attempt_at,
    last_success_at = coalesce(excluded.last_success_at, source_health.last_success_at),
    consecutive_failures = CASE WHEN excluded.consecutive_failures = 0 THEN 0
                                ELSE source_health.consecutive_failures + 1 END,
    last_error = coalesce(excluded.last_error, source_health.last_error),
    last_error_at = coalesce(excluded.last_error_at, source_health.last_error_at),
    last_run_id = excluded.last_run_id;
