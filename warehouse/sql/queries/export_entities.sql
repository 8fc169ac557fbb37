-- The knowledge base's labs and models for `veille export` (not partitioned).
SELECT entity_id, kind, name, parent_id, lab_id, country, openness, license
FROM entities
ORDER BY entity_id;
