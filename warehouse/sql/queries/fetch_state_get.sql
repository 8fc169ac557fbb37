SELECT url, etag, last_modified FROM fetch_state;
