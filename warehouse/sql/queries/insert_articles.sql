INSERT INTO articles BY NAME SELECT * FROM incoming;
