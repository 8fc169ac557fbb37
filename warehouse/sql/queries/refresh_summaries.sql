-- Rewrite the web app's summary tables from their views (050_web_summaries.sql).
DELETE FROM summary_article_days;
INSERT INTO summary_article_days FROM summary_article_days_live ORDER BY day;
DELETE FROM summary_entity_days;
INSERT INTO summary_entity_days FROM summary_entity_days_live ORDER BY day, entity_id;
DELETE FROM summary_stance_days;
INSERT INTO summary_stance_days FROM summary_stance_days_live ORDER BY day;
DELETE FROM summary_stance_entities;
INSERT INTO summary_stance_entities FROM summary_stance_entities_live;
DELETE FROM summary_story_languages;
INSERT INTO summary_story_languages FROM summary_story_languages_live ORDER BY last_at;
DELETE FROM summary_stance_passages;
INSERT INTO summary_stance_passages FROM summary_stance_passages_live ORDER BY cluster_id, rank;
DELETE FROM summary_article_words;
INSERT INTO summary_article_words FROM summary_article_words_live;
