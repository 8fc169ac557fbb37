-- The latest stories told in more than one language (summary_story_languages):
-- the 50 stories chosen first, their titles and languages gathered for them alone.
WITH chosen AS (
    SELECT story_id, language, articles, first_title, first_at, last_at
    FROM summary_story_languages
    WHERE ($language::VARCHAR IS NULL OR language = $language)
),
top AS (
    SELECT story_id, sum(articles)::BIGINT AS articles, count(*) AS languages,
           CAST(max(last_at) AS DATE) AS last_day
    FROM chosen
    GROUP BY story_id
    HAVING count(*) > 1
    ORDER BY last_day DESC, articles DESC, story_id
    LIMIT 50
)
SELECT t.story_id, t.articles, t.languages,
       string_agg(c.language, ' ' ORDER BY c.language) AS in_languages,
       arg_min(c.first_title, c.first_at) AS first_title, t.last_day
FROM top AS t
JOIN chosen AS c USING (story_id)
GROUP BY t.story_id, t.articles, t.languages, t.last_day
ORDER BY t.last_day DESC, t.articles DESC, t.story_id;
