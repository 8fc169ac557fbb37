-- One article.
SELECT article_id, url, source, title, author, language, published_at, fetched_at, text,
       word_count, round(relevance::DOUBLE, 3) AS relevance, relevant, story_id
FROM articles
WHERE article_id = $article;
