-- The latest stories told in more than one language (summary_story_languages).
SELECT story_id, sum(articles)::BIGINT AS articles, count(*) AS languages,
       string_agg(language, ' ' ORDER BY language) AS in_languages,
       arg_min(first_title, first_at) AS first_title,
       CAST(max(last_at) AS DATE) AS last_day
FROM summary_story_languages
WHERE ($language::VARCHAR IS NULL OR language = $language)
GROUP BY story_id
HAVING count(*) > 1
ORDER BY last_day DESC, articles DESC, story_id
LIMIT 50;
