-- How the week's relevant articles in each language divide between stances:
-- each article's stance scores add up to 1, so a stance's share is its summed
-- score over the summed scores of the language. The $top largest stances of
-- each language come one row each, largest first; the rest of the language
-- come last as one row with no cluster_id (kind 'other', `stances` counts them),
-- unless there is only one of them, which then comes as itself.
WITH week_relevant AS (
    SELECT article_id, language
    FROM articles
    WHERE relevant
      AND coalesce(published_at, fetched_at) >= $week_start
      AND coalesce(published_at, fetched_at) < $week_end
),
scored AS (
    SELECT w.language, s.article_id, s.cluster_id, c.label, c.kind, s.score
    FROM article_stances AS s
    JOIN week_relevant AS w USING (article_id)
    JOIN stance_clusters AS c USING (cluster_id)
),
per_stance AS (
    SELECT language, cluster_id, label, kind,
           sum(score) AS weight,
           count(DISTINCT article_id) AS articles
    FROM scored
    GROUP BY language, cluster_id, label, kind
),
ranked AS (
    SELECT *,
           weight / sum(weight) OVER (PARTITION BY language) AS share,
           row_number() OVER (PARTITION BY language ORDER BY weight DESC, label) AS rank,
           count(*) OVER (PARTITION BY language) AS language_stances
    FROM per_stance
),
per_language AS (
    SELECT language, count(DISTINCT article_id) AS language_articles
    FROM scored
    GROUP BY language
),
kept AS (
    SELECT language, cluster_id, label, kind, share, articles, 1 AS stances, rank
    FROM ranked
    WHERE rank <= $top OR language_stances = $top + 1
),
other AS (
    SELECT r.language, NULL AS cluster_id, NULL AS label, 'other' AS kind, any_value(o.share) AS share,
           count(DISTINCT s.article_id) AS articles, any_value(o.stances) AS stances, $top + 1 AS rank
    FROM ranked AS r
    JOIN scored AS s USING (language, cluster_id)
    JOIN (SELECT language, sum(share) AS share, count(*) AS stances FROM ranked WHERE rank > $top GROUP BY language)
        AS o USING (language)
    WHERE r.rank > $top AND r.language_stances > $top + 1
    GROUP BY r.language
)
SELECT k.language, k.cluster_id, k.label, k.kind, k.share, k.articles, k.stances, l.language_articles
FROM (FROM kept UNION ALL FROM other) AS k
JOIN per_language AS l USING (language)
ORDER BY k.language, k.rank;
