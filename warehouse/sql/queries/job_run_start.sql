INSERT INTO job_runs (run_id, job, started_at, outcome) VALUES ($run_id, $job, $started_at, 'running');
