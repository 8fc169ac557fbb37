-- What processing made of each article, for comparing two runs over the same pages
-- (bench.ingest_start): by URL (ids differ between warehouses when the pages' paths do),
-- language, date, relevance, the URL of its story's first article, signature, mentions, passages.
SELECT a.url, a.language, a.script, a.published_at, a.word_count, round(a.relevance, 5) AS relevance,
       a.relevant, (SELECT s.url FROM articles AS s WHERE s.article_id = a.story_id) AS story_url,
       md5(a.minhash::VARCHAR) AS minhash,
       (SELECT string_agg(m.entity_id || '@' || m.start_char || ':' || m.method, ' '
                          ORDER BY m.start_char, m.entity_id)
        FROM mentions AS m WHERE m.article_id = a.article_id) AS mentions,
       (SELECT string_agg(p.text_hash, ' ' ORDER BY p.ordinal)
        FROM passages AS p WHERE p.article_id = a.article_id) AS passages
FROM articles AS a
ORDER BY a.url;
