INSERT OR REPLACE INTO document_stances BY NAME SELECT * FROM incoming_documents;
