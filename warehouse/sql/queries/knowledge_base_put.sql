INSERT OR IGNORE INTO knowledge_bases VALUES ($fingerprint, $content, $saved_at);
