-- One article by id or url, with the evidence behind its relevance.
SELECT article_id, url, source, title, language, published_at, relevance, relevant,
       CAST(relevance_evidence AS VARCHAR) AS relevance_evidence, story_id
FROM articles
WHERE article_id = $key OR url = $key
ORDER BY article_id
LIMIT 2;
