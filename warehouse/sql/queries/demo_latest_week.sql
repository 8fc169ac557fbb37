-- The ISO week of the latest relevant article, e.g. 2026-W48.
SELECT strftime(max(published_at), '%G-W%V') FROM articles WHERE relevant;
