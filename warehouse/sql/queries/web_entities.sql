-- Every lab and model: its names in each language, its lab, licence and openness,
-- and how many articles name it (summary_entity_days), within the page's language,
-- source and dates.
WITH names AS (
    SELECT entity_id, string_agg(DISTINCT alias, ' · ' ORDER BY alias) AS aliases
    FROM entity_aliases
    GROUP BY entity_id
),
named AS (
    SELECT entity_id, sum(mentions)::BIGINT AS mentions, sum(articles)::BIGINT AS articles
    FROM summary_entity_days
    WHERE ($language::VARCHAR IS NULL OR language = $language)
      AND ($source::VARCHAR IS NULL OR source = $source)
      AND ($since::DATE IS NULL OR day >= $since::DATE)
      AND ($until::DATE IS NULL OR day <= $until::DATE)
    GROUP BY entity_id
)
SELECT e.entity_id, e.name, e.kind, lab.name AS lab, e.license, e.openness,
       n.aliases, coalesce(m.mentions, 0) AS mentions, coalesce(m.articles, 0) AS articles
FROM entities AS e
LEFT JOIN entities AS lab ON lab.entity_id = e.lab_id AND e.lab_id <> e.entity_id
LEFT JOIN names AS n ON n.entity_id = e.entity_id
LEFT JOIN named AS m ON m.entity_id = e.entity_id
WHERE ($entity::VARCHAR IS NULL OR e.entity_id = $entity)
  AND ($kind::VARCHAR IS NULL OR e.kind = $kind)
ORDER BY articles DESC, e.name;
