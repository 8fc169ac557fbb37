-- Runs of a job left 'running' by a process that was killed (called by a run that holds the job lock).
UPDATE job_runs SET outcome = 'interrupted' WHERE job = $job AND outcome = 'running' AND run_id <> $run_id;
