-- The latest runs of each job, newest first ($runs per job).
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY job ORDER BY started_at DESC) AS rank
    FROM job_runs
)
SELECT job, started_at, finished_at, outcome,
       epoch(finished_at - started_at) AS seconds, summary
FROM ranked
WHERE rank <= $runs
ORDER BY job, started_at DESC;
