-- Articles naming one entity, per ISO week and language.
SELECT strftime(coalesce(a.published_at, a.fetched_at), '%G-W%V') AS week, a.language,
       count(DISTINCT m.article_id) AS articles
FROM mentions AS m
JOIN articles AS a USING (article_id)
WHERE m.entity_id = $entity
GROUP BY ALL
ORDER BY week, a.language;
