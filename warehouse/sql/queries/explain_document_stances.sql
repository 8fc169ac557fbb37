-- What an article's document (title and lead, read whole) argues: each class's probability, most probable first.
SELECT stance, probability
FROM document_stances
WHERE article_id = $article_id AND model_id = $model_id
ORDER BY probability DESC, stance;
