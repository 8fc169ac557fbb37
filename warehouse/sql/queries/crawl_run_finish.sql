UPDATE crawl_runs
SET finished_at = $finished_at,
    status = $status,
    pages_stored = (SELECT count(*) FROM pages WHERE pages.run_id = $run_id)
WHERE run_id = $run_id;
