INSERT OR REPLACE INTO backfill_files BY NAME SELECT * FROM incoming_progress;
