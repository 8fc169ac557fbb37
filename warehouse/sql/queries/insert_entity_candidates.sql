INSERT OR IGNORE INTO entity_candidate_mentions BY NAME SELECT * FROM incoming;
