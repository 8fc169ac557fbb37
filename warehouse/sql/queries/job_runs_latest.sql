-- The latest finished runs of one job, newest first: whether it failed several times in a row.
SELECT run_id, started_at, outcome, summary
FROM job_runs
WHERE job = $job AND outcome <> 'running'
ORDER BY started_at DESC
LIMIT $runs;
