"""``veille serve``: a read-only web app over the warehouse."""
