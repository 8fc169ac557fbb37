SELECT count(*) FROM mentions WHERE entity_id = $entity_id;
