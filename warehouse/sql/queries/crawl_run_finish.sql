UPDATE crawl_runs
SET finished_at = ?, status = ?, pages_stored = (SELECT count(*) FROM pages WHERE run_id = $1)
WHERE run_id = ?;
