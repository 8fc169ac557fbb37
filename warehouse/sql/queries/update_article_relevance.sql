-- The relevance of re-scored articles; the rest of each article stays as extracted.
UPDATE articles
SET relevance = i.relevance, relevant = i.relevant, relevance_evidence = i.relevance_evidence
FROM incoming AS i
WHERE articles.article_id = i.article_id;
