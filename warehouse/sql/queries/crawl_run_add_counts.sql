INSERT INTO crawl_run_counts AS c BY NAME SELECT * FROM incoming
ON CONFLICT (run_id, source, outcome) DO UPDATE SET count = c.count + excluded.count;
