INSERT INTO passages BY NAME SELECT * FROM incoming;
