-- The week's biggest stories among relevant articles, one row per version.
-- A story is the articles sharing a story_id (copies and translations); the
-- ones told most often, then in most languages, then most recently, come first.
WITH week_relevant AS (
    SELECT article_id, coalesce(story_id, article_id) AS story_id, title, source, language, url,
           published_at, coalesce(published_at, fetched_at) AS dated_at
    FROM articles
    WHERE relevant
      AND coalesce(published_at, fetched_at) >= $week_start
      AND coalesce(published_at, fetched_at) < $week_end
),
stories AS (
    SELECT story_id,
           count(*) AS versions,
           count(DISTINCT language) AS languages,
           max(dated_at) AS latest
    FROM week_relevant
    GROUP BY story_id
),
ranked AS (
    SELECT story_id, versions, languages,
           row_number() OVER (ORDER BY versions DESC, languages DESC, latest DESC, story_id) AS story_rank
    FROM stories
)
SELECT r.story_rank, r.story_id, r.versions, r.languages,
       w.article_id, w.title, w.source, w.language, w.url, w.published_at
FROM ranked AS r
JOIN week_relevant AS w USING (story_id)
WHERE r.story_rank <= $limit
ORDER BY r.story_rank, w.dated_at, w.article_id;
