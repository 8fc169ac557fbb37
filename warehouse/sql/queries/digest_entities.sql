-- The labs and models named in most relevant articles of the week (per kind),
-- with their count in the week before. name_en is an English alias, for
-- places that cannot show every script.
WITH dated AS (
    SELECT article_id, coalesce(published_at, fetched_at) AS dated_at
    FROM articles
    WHERE relevant
),
counts AS (
    SELECT m.entity_id,
           count(DISTINCT m.article_id) FILTER (WHERE d.dated_at >= $week_start) AS articles,
           count(DISTINCT m.article_id) FILTER (WHERE d.dated_at < $week_start) AS previous_articles
    FROM mentions AS m
    JOIN dated AS d USING (article_id)
    WHERE d.dated_at >= $previous_start AND d.dated_at < $week_end
    GROUP BY m.entity_id
),
english AS (
    SELECT entity_id, min(alias) AS name_en
    FROM entity_aliases
    WHERE language = 'en'
    GROUP BY entity_id
),
ranked AS (
    SELECT e.entity_id, e.kind, e.name, g.name_en, c.articles, c.previous_articles,
           row_number() OVER (PARTITION BY e.kind ORDER BY c.articles DESC, e.name) AS kind_rank
    FROM counts AS c
    JOIN entities AS e USING (entity_id)
    LEFT JOIN english AS g USING (entity_id)
    WHERE c.articles > 0
)
SELECT entity_id, kind, name, name_en, articles, previous_articles
FROM ranked
WHERE kind_rank <= $limit
ORDER BY kind, kind_rank;
