-- The labs and models named inside the passages that take one stance ($stance),
-- or the stances whose passages name one entity ($entity): the stance_entities
-- view, with the filter applied before the joins.
WITH argued AS (
    SELECT s.cluster_id, m.entity_id, p.passage_id, p.article_id
    FROM passage_stances AS s
    JOIN stance_clusters AS c ON c.cluster_id = s.cluster_id AND c.model_id = s.model_id
    JOIN passages AS p USING (passage_id)
    JOIN mentions AS m ON m.article_id = p.article_id
        AND m.start_char >= p.start_char AND m.end_char <= p.end_char
    WHERE ($stance::VARCHAR IS NULL OR s.cluster_id = $stance)
      AND ($entity::VARCHAR IS NULL OR m.entity_id = $entity)
)
SELECT g.cluster_id, c.label AS stance,
       g.entity_id, e.name AS entity, e.kind AS entity_kind,
       count(DISTINCT g.passage_id) AS passages, count(DISTINCT g.article_id) AS articles
FROM argued AS g
JOIN stance_clusters AS c USING (cluster_id)
JOIN entities AS e USING (entity_id)
GROUP BY ALL
ORDER BY passages DESC, entity
LIMIT 30;
