-- Runs left "running" by a process that was killed.
UPDATE crawl_runs SET status = 'interrupted' WHERE status = 'running' AND run_id <> ?;
