-- When the digest of a week last went to this recipient list, if ever.
SELECT sent_at
FROM digests
WHERE week = $week AND list_key = $list_key;
