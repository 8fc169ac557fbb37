-- Articles linked at the current version of the link step ($version) but with another
-- knowledge base than $fingerprint, and the one they were linked with (NULL: not known).
SELECT s.page_id, s.knowledge
FROM page_steps AS s
JOIN page_outcomes AS o USING (page_id)
WHERE s.step = 'link' AND s.version = $version AND o.outcome = 'article'
  AND s.knowledge IS DISTINCT FROM $fingerprint
ORDER BY s.page_id;
