-- Passages by id, with their articles (the rows of web_passage_search, without the similarity).
SELECT p.passage_id, p.language, p.text, p.article_id, a.title, a.source
FROM passages AS p
JOIN articles AS a USING (article_id)
WHERE p.passage_id IN (SELECT unnest($passages::VARCHAR[]));
