-- The latest crawl run.
SELECT run_id, started_at, finished_at, status, pages_stored, len(sources) AS sources
FROM crawl_runs
ORDER BY started_at DESC
LIMIT 1;
