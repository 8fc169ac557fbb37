-- The labs and models named inside the passages that take one stance ($stance),
-- or that one entity ($entity) appears with.
SELECT cluster_id, label AS stance, entity_id, entity, entity_kind, passages, articles
FROM stance_entities
WHERE ($stance::VARCHAR IS NULL OR cluster_id = $stance)
  AND ($entity::VARCHAR IS NULL OR entity_id = $entity)
ORDER BY passages DESC, entity
LIMIT 30;
