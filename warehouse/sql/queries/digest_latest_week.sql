-- The latest week whose digest went to this recipient list, or no row.
SELECT max(week) FROM digests WHERE list_key = $list_key HAVING count(*) > 0;
