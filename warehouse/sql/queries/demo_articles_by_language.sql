SELECT language, count(*) AS articles, count(*) FILTER (WHERE relevant) AS relevant
FROM articles
GROUP BY language
ORDER BY articles DESC, language;
