-- How much the warehouse holds and how recent it is.
SELECT (SELECT count(*) FROM pages) AS pages,
       (SELECT max(fetched_at) FROM pages) AS last_fetched,
       (SELECT count(*) FROM articles) AS articles,
       (SELECT count(*) FILTER (WHERE relevant) FROM articles) AS relevant,
       (SELECT max(published_at) FROM articles WHERE published_at <= now() + INTERVAL 1 DAY) AS last_published,
       (SELECT max(processed_at) FROM page_outcomes) AS last_processed,
       (SELECT max(week) FROM digests) AS last_digest_week,
       (SELECT max(sent_at) FROM digests) AS last_digest_sent;
