UPDATE articles SET story_id = s.story_id FROM incoming AS s WHERE articles.article_id = s.article_id;
