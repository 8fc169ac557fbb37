-- For each language and stance of the week, the passage that takes it most
-- surely, with its article, so that a reader can check what the figure counts.
WITH week_passages AS (
    SELECT a.language, s.cluster_id, p.text, a.url, a.title, s.score,
           row_number() OVER (PARTITION BY a.language, s.cluster_id ORDER BY s.score DESC, p.passage_id) AS rank
    FROM passage_stances AS s
    JOIN passages AS p USING (passage_id)
    JOIN articles AS a USING (article_id)
    WHERE a.relevant AND s.cluster_id IS NOT NULL
      AND coalesce(a.published_at, a.fetched_at) >= $week_start
      AND coalesce(a.published_at, a.fetched_at) < $week_end
)
SELECT language, cluster_id, text, url, title
FROM week_passages
WHERE rank = 1;
