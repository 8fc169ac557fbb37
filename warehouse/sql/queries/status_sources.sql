-- Every source's health, failing ones first.
SELECT source, last_attempt_at, last_success_at, consecutive_failures, last_error, last_error_at
FROM source_health
ORDER BY consecutive_failures DESC, source;
