-- How the week's relevant articles in each language divide between stances:
-- each article's stance scores add up to 1, so a stance's share is its summed
-- score over the summed scores of the language.
WITH week_relevant AS (
    SELECT article_id, language
    FROM articles
    WHERE relevant
      AND coalesce(published_at, fetched_at) >= $week_start
      AND coalesce(published_at, fetched_at) < $week_end
),
scored AS (
    SELECT w.language, s.article_id, s.cluster_id, c.label, s.score
    FROM article_stances AS s
    JOIN week_relevant AS w USING (article_id)
    JOIN stance_clusters AS c USING (cluster_id)
),
per_stance AS (
    SELECT language, cluster_id, label,
           sum(score) AS weight,
           count(DISTINCT article_id) AS articles
    FROM scored
    GROUP BY language, cluster_id, label
),
per_language AS (
    SELECT language, count(DISTINCT article_id) AS language_articles
    FROM scored
    GROUP BY language
)
SELECT p.language, p.cluster_id, p.label,
       p.weight / sum(p.weight) OVER (PARTITION BY p.language) AS share,
       p.articles, l.language_articles
FROM per_stance AS p
JOIN per_language AS l USING (language)
ORDER BY p.language, share DESC, p.label;
