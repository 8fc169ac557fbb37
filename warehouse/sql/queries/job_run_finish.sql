UPDATE job_runs
SET finished_at = $finished_at, outcome = $outcome, summary = $summary
WHERE run_id = $run_id;
