SELECT content FROM knowledge_bases WHERE fingerprint = $fingerprint;
