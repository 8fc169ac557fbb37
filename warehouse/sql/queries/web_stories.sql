-- The latest stories told in more than one language (summary_story_languages),
-- one of them $language when it is given, with an article between $since and
-- $until: the 50 stories chosen first, their titles and languages gathered for them alone.
WITH top AS (
    SELECT story_id, sum(articles)::BIGINT AS articles, count(*) AS languages,
           CAST(max(last_at) AS DATE) AS last_day
    FROM summary_story_languages
    GROUP BY story_id
    HAVING count(*) > 1
       AND ($language::VARCHAR IS NULL OR bool_or(language = $language))
       AND ($since::DATE IS NULL OR max(last_at) >= $since::DATE)
       AND ($until::DATE IS NULL OR min(first_at) < $until::DATE + 1)
    ORDER BY last_day DESC, articles DESC, story_id
    LIMIT 50
)
SELECT t.story_id, t.articles, t.languages,
       string_agg(c.language, ' ' ORDER BY c.language) AS in_languages,
       arg_min(c.first_title, c.first_at) AS first_title, t.last_day
FROM top AS t
JOIN summary_story_languages AS c USING (story_id)
GROUP BY t.story_id, t.articles, t.languages, t.last_day
ORDER BY t.last_day DESC, t.articles DESC, t.story_id;
