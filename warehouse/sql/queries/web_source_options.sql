-- Sources to choose from in a search form.
SELECT DISTINCT source FROM articles ORDER BY source;
