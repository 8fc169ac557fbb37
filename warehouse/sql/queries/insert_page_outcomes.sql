INSERT INTO page_outcomes BY NAME SELECT * FROM incoming;
