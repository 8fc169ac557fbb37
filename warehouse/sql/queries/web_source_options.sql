-- Sources to choose from in a search form.
SELECT DISTINCT source FROM summary_article_days ORDER BY source;
