-- The passages of one article that take a stance, with the stance they take.
SELECT p.start_char, p.end_char, p.text, s.cluster_id,
       c.label AS stance, round(s.score::DOUBLE, 3) AS score
FROM passages AS p
JOIN passage_stances AS s USING (passage_id)
JOIN stance_clusters AS c ON c.cluster_id = s.cluster_id
WHERE p.article_id = $article
ORDER BY p.start_char;
