-- For `veille status`: pages, articles, and articles with passages (what the stance step reads).
SELECT (SELECT count(*) FROM pages) AS pages,
       (SELECT count(*) FROM page_outcomes WHERE outcome = 'article') AS articles,
       (SELECT count(DISTINCT article_id) FROM passages) AS with_passages;
