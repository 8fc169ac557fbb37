-- What processing made of these pages: an article (with its language and
-- relevance) or the reason there is none.
SELECT o.page_id, o.outcome, o.reason, a.language, a.relevant, a.title
FROM page_outcomes AS o
LEFT JOIN articles AS a ON a.article_id = o.page_id
WHERE o.page_id IN (SELECT unnest($ids));
