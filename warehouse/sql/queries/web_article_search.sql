-- Articles matching the search form: every word typed found in the title or the
-- text (any case, inside a word too: summary_article_words holds each article's
-- distinct words in lower case), a canonical entity (whatever alias the article
-- wrote), a stance, a language, a source and dates. Newest first.
SELECT a.article_id, a.title, a.source, a.language,
       CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS day, round(a.relevance::DOUBLE, 3) AS relevance
FROM articles AS a
WHERE ($language::VARCHAR IS NULL OR a.language = $language)
  AND ($source::VARCHAR IS NULL OR a.source = $source)
  AND ($since::DATE IS NULL OR coalesce(a.published_at, a.fetched_at) >= $since::DATE)
  AND ($until::DATE IS NULL OR coalesce(a.published_at, a.fetched_at) < $until::DATE + 1)
  AND ($words::VARCHAR IS NULL OR a.article_id IN (
        SELECT s.article_id FROM summary_article_words AS s
        WHERE $words::VARCHAR IS NOT NULL AND list_bool_and(list_transform(
            list_filter(regexp_split_to_array(lower($words), '[^\pL\pN]+'), lambda t: t <> ''),
            lambda t: contains(s.words, t)))))
  AND ($entity::VARCHAR IS NULL OR a.article_id IN (SELECT article_id FROM mentions WHERE entity_id = $entity))
  AND ($stance::VARCHAR IS NULL OR a.article_id IN (SELECT article_id FROM article_stances WHERE cluster_id = $stance))
ORDER BY coalesce(a.published_at, a.fetched_at) DESC, a.article_id
LIMIT 100;
