SELECT url FROM pages;
