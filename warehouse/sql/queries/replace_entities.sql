DELETE FROM entity_aliases;
DELETE FROM entities;
INSERT INTO entities BY NAME SELECT * FROM incoming_entities;
INSERT INTO entity_aliases BY NAME SELECT * FROM incoming_aliases;
