-- Articles with stance passages whose stance assignment is not recorded at $version.
SELECT DISTINCT p.article_id
FROM passages AS p
LEFT JOIN page_steps AS s ON s.page_id = p.article_id AND s.step = 'stances'
WHERE s.version IS DISTINCT FROM $version
ORDER BY p.article_id;
