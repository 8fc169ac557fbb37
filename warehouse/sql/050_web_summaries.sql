-- Summaries the web app reads instead of scanning millions of rows on every
-- change of the file. Each summary_*_live view states what its table holds;
-- queries/refresh_summaries.sql rewrites every table from its view at the end
-- of the process and cluster stages, and this migration fills them from the
-- rows already stored, so an older warehouse is served as soon as it is upgraded.

-- Articles per day (published, else fetched), language and source.
CREATE VIEW summary_article_days_live AS
SELECT CAST(coalesce(published_at, fetched_at) AS DATE) AS day, language, source,
       count(*) AS articles, count(*) FILTER (WHERE relevant) AS relevant
FROM articles
GROUP BY ALL;

-- Articles naming each entity (and its mentions) per day, language and source:
-- an article falls on one day, so summing days counts distinct articles.
CREATE VIEW summary_entity_days_live AS
SELECT CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS day, a.language, a.source, m.entity_id,
       count(DISTINCT m.article_id) AS articles, count(*) AS mentions
FROM mentions AS m
JOIN articles AS a USING (article_id)
GROUP BY ALL;

-- The stance weights of relevant articles per publication day, language, source and stance.
CREATE VIEW summary_stance_days_live AS
SELECT CAST(a.published_at AS DATE) AS day, a.language, a.source, s.cluster_id,
       sum(s.score) AS weight, count(*) AS articles
FROM article_stances AS s
JOIN articles AS a USING (article_id)
WHERE a.relevant AND a.published_at IS NOT NULL
GROUP BY ALL;

-- The labs and models named inside the passages of each stance (the stance_entities view, counted).
CREATE VIEW summary_stance_entities_live AS
SELECT s.cluster_id, m.entity_id,
       count(DISTINCT p.passage_id) AS passages, count(DISTINCT p.article_id) AS articles
FROM passage_stances AS s
JOIN stance_clusters AS c ON c.cluster_id = s.cluster_id AND c.model_id = s.model_id
JOIN passages AS p USING (passage_id)
JOIN mentions AS m ON m.article_id = p.article_id
    AND m.start_char >= p.start_char AND m.end_char <= p.end_char
GROUP BY ALL;

-- Each story's relevant articles, language by language.
CREATE VIEW summary_story_languages_live AS
SELECT story_id, language, count(*) AS articles,
       arg_min(title, coalesce(published_at, fetched_at)) AS first_title,
       min(coalesce(published_at, fetched_at)) AS first_at,
       max(coalesce(published_at, fetched_at)) AS last_at
FROM articles
WHERE story_id IS NOT NULL AND relevant
GROUP BY ALL;

-- Each stance's representative passages with their articles, in rank order.
CREATE VIEW summary_stance_passages_live AS
SELECT r.cluster_id, r.rank, r.language, r.text, r.article_id, a.title, a.source,
       CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS day
FROM stance_representatives AS r
JOIN articles AS a USING (article_id);

-- Each article's distinct words (title and text, lower case, split on what is
-- neither letter nor digit): a word search scans these instead of every text.
CREATE VIEW summary_article_words_live AS
SELECT article_id,
       array_to_string(list_distinct(regexp_split_to_array(lower(coalesce(title, '') || ' ' || text),
                                                           '[^\pL\pN]+')), ' ') AS words
FROM articles;

CREATE TABLE summary_article_days AS FROM summary_article_days_live ORDER BY day;
CREATE TABLE summary_entity_days AS FROM summary_entity_days_live ORDER BY day, entity_id;
CREATE TABLE summary_stance_days AS FROM summary_stance_days_live ORDER BY day;
CREATE TABLE summary_stance_entities AS FROM summary_stance_entities_live;
CREATE TABLE summary_story_languages AS FROM summary_story_languages_live ORDER BY last_at;
CREATE TABLE summary_stance_passages AS FROM summary_stance_passages_live ORDER BY cluster_id, rank;
CREATE TABLE summary_article_words AS FROM summary_article_words_live;

-- The passage vectors written next to the warehouse for search by meaning
-- (warehouse/vectorfiles.py): which files hold each encoder's vectors.
CREATE TABLE vector_files (
    model_id   VARCHAR PRIMARY KEY,
    token      VARCHAR NOT NULL,       -- the files' name stem
    passages   BIGINT NOT NULL,
    written_at TIMESTAMPTZ NOT NULL
);
