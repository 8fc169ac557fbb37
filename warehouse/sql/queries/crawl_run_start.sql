INSERT INTO crawl_runs (run_id, started_at, status, sources) VALUES (?, ?, 'running', ?);
