-- Articles matching the search form: every word typed found in the title or the
-- text (any case, inside a word too), a canonical entity (whatever alias the
-- article wrote), a stance, a language, a source and dates. Newest first. The
-- newest hundred are chosen in the narrow summary_article_search, then read.
WITH found AS (
    SELECT s.article_id, s.dated_at
    FROM summary_article_search AS s
    WHERE ($language::VARCHAR IS NULL OR s.language = $language)
      AND ($source::VARCHAR IS NULL OR s.source = $source)
      AND ($since::DATE IS NULL OR s.dated_at >= $since::DATE)
      AND ($until::DATE IS NULL OR s.dated_at < $until::DATE + 1)
      AND ($words::VARCHAR IS NULL OR list_bool_and(list_transform(
            list_filter(regexp_split_to_array(lower($words), '[^\pL\pN]+'), lambda t: t <> ''),
            lambda t: contains(s.words, t))))
      AND ($entity::VARCHAR IS NULL OR s.article_id IN (
            SELECT article_id FROM mentions WHERE $entity::VARCHAR IS NOT NULL AND entity_id = $entity))
      AND ($stance::VARCHAR IS NULL OR s.article_id IN (
            SELECT article_id FROM article_stances WHERE $stance::VARCHAR IS NOT NULL AND cluster_id = $stance))
    ORDER BY s.dated_at DESC, s.article_id
    LIMIT 100
)
SELECT a.article_id, a.title, a.source, a.language, CAST(f.dated_at AS DATE) AS day, round(a.relevance, 3) AS relevance
FROM found AS f
JOIN articles AS a USING (article_id)
ORDER BY f.dated_at DESC, a.article_id;
