-- The labs and models named inside the passages that take one stance ($stance),
-- or the stances whose passages name one entity ($entity): the stance_entities
-- view, counted in summary_stance_entities.
SELECT g.cluster_id, c.label AS stance,
       g.entity_id, e.name AS entity, e.kind AS entity_kind, g.passages, g.articles
FROM summary_stance_entities AS g
JOIN stance_clusters AS c USING (cluster_id)
JOIN entities AS e USING (entity_id)
WHERE ($stance::VARCHAR IS NULL OR g.cluster_id = $stance)
  AND ($entity::VARCHAR IS NULL OR g.entity_id = $entity)
ORDER BY g.passages DESC, entity
LIMIT 30;
