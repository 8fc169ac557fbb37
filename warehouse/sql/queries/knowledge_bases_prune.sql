-- Forget the knowledge bases no page is linked with any more (the current one stays).
DELETE FROM knowledge_bases
WHERE fingerprint <> $fingerprint
  AND fingerprint NOT IN (SELECT knowledge FROM page_steps WHERE step = 'link' AND knowledge IS NOT NULL);
