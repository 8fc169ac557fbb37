-- A model's parent is its family, whose parent is the lab; lab_id names the
-- lab directly (a lab's lab_id is itself), so a query needs no recursion.
ALTER TABLE entities ADD COLUMN lab_id VARCHAR;
