-- Models whose first mention ever (in any article) is dated in the week,
-- with their lab and the article that named them first.
WITH dated AS (
    SELECT article_id, title, source, url, coalesce(published_at, fetched_at) AS dated_at
    FROM articles
),
first_mentions AS (
    SELECT m.entity_id,
           min(d.dated_at) AS first_seen,
           arg_min(d.title, d.dated_at) AS first_title,
           arg_min(d.source, d.dated_at) AS first_source,
           arg_min(d.url, d.dated_at) AS first_url,
           count(DISTINCT m.article_id) AS articles
    FROM mentions AS m
    JOIN dated AS d USING (article_id)
    WHERE d.dated_at < $week_end
    GROUP BY m.entity_id
)
SELECT e.entity_id, e.name, lab.name AS lab, f.first_seen, f.first_title, f.first_source, f.first_url,
       f.articles
FROM first_mentions AS f
JOIN entities AS e USING (entity_id)
LEFT JOIN entities AS lab ON lab.entity_id = coalesce(e.lab_id, e.parent_id)
WHERE e.kind = 'model' AND f.first_seen >= $week_start
ORDER BY f.articles DESC, f.first_seen, e.name;
