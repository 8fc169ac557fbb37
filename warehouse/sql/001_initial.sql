-- The first schema: crawl, process, cluster and digest tables.

CREATE TABLE crawl_runs (
    run_id       VARCHAR PRIMARY KEY,          -- a sortable id: UTC timestamp + random suffix
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,             -- running | finished | interrupted | failed
    sources      VARCHAR[] NOT NULL,
    pages_stored INTEGER NOT NULL DEFAULT 0
);

-- Counts of one crawl run, by source and by outcome (fetched, not_modified,
-- skipped_known, robots_denied, http_404, too_large, timeout, ...).
CREATE TABLE crawl_run_counts (
    run_id  VARCHAR NOT NULL,
    source  VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (run_id, source, outcome)
);

-- Raw HTTP responses of article pages (and documents added by hand).
CREATE TABLE pages (
    page_id        VARCHAR PRIMARY KEY,        -- hash of the normalised url
    url            VARCHAR NOT NULL,           -- normalised article url (page_id is its hash)
    final_url      VARCHAR NOT NULL,           -- after redirects
    source         VARCHAR NOT NULL,
    status         SMALLINT NOT NULL,
    content_type   VARCHAR,
    charset        VARCHAR,                    -- the charset the body was decoded with
    headers        JSON,
    body           BLOB NOT NULL,              -- zlib-compressed raw bytes
    body_sha256    VARCHAR NOT NULL,
    fetched_at     TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR,                    -- NULL for documents added with `veille ingest`
    origin         VARCHAR NOT NULL,           -- crawl | ingest
    hint_language  VARCHAR,                    -- from the source registry or --language
    hint_title     VARCHAR,                    -- from a feed entry or --title
    hint_published TIMESTAMPTZ                 -- from a feed, a news sitemap or --published
);

-- Conditional-GET state of feeds and sitemaps.
CREATE TABLE fetch_state (
    url           VARCHAR PRIMARY KEY,
    etag          VARCHAR,
    last_modified VARCHAR,
    fetched_at    TIMESTAMPTZ NOT NULL
);

-- One row per page and nlp_version: what processing made of it.
CREATE TABLE page_outcomes (
    page_id      VARCHAR PRIMARY KEY,
    nlp_version  VARCHAR NOT NULL,
    outcome      VARCHAR NOT NULL,             -- article | no_article
    reason       VARCHAR,                      -- why no article: empty_text, too_short, ...
    processed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE articles (
    article_id   VARCHAR PRIMARY KEY,          -- = page_id
    url          VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    title        VARCHAR,
    author       VARCHAR,
    site_name    VARCHAR,
    language     VARCHAR NOT NULL,             -- en, fr, zh, or another ISO 639-1 code
    script       VARCHAR,                      -- Hans | Hant for zh
    published_at TIMESTAMPTZ,
    fetched_at   TIMESTAMPTZ NOT NULL,
    text         VARCHAR NOT NULL,
    word_count   INTEGER NOT NULL,
    relevance    FLOAT NOT NULL,
    relevant     BOOLEAN NOT NULL,
    story_id     VARCHAR,
    nlp_version  VARCHAR NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE entities (
    entity_id VARCHAR PRIMARY KEY,
    kind      VARCHAR NOT NULL,                -- lab | model
    name      VARCHAR NOT NULL,
    parent_id VARCHAR,
    country   VARCHAR,
    openness  VARCHAR,
    license   VARCHAR
);

CREATE TABLE entity_aliases (
    entity_id VARCHAR NOT NULL,
    alias     VARCHAR NOT NULL,
    language  VARCHAR NOT NULL                 -- mul (any language), en, fr, zh, zh_hant
);

CREATE TABLE mentions (
    article_id VARCHAR NOT NULL,
    entity_id  VARCHAR NOT NULL,
    surface    VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char   INTEGER NOT NULL,
    method     VARCHAR NOT NULL,               -- exact | fuzzy
    score      FLOAT NOT NULL,
    PRIMARY KEY (article_id, start_char, entity_id)
);

-- Sentences of relevant articles that carry a position on openness.
CREATE TABLE passages (
    passage_id VARCHAR PRIMARY KEY,            -- article_id:ordinal
    article_id VARCHAR NOT NULL,
    ordinal    INTEGER NOT NULL,
    language   VARCHAR NOT NULL,
    text       VARCHAR NOT NULL,
    text_hash  VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char   INTEGER NOT NULL
);

-- Embeddings keyed by text and model, never computed twice.
CREATE TABLE embeddings (
    text_hash VARCHAR NOT NULL,
    model_id  VARCHAR NOT NULL,
    vector    FLOAT[] NOT NULL,
    PRIMARY KEY (text_hash, model_id)
);

CREATE TABLE stance_clusters (
    cluster_id      VARCHAR PRIMARY KEY,
    label           VARCHAR NOT NULL,          -- English label
    kind            VARCHAR NOT NULL,          -- seeded | emergent
    polarity        VARCHAR,
    labels          JSON NOT NULL,             -- {"en": ..., "fr": ..., "zh": ...}
    keywords        JSON,
    representatives JSON,
    model_id        VARCHAR NOT NULL,
    centroid        FLOAT[] NOT NULL,
    size            INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE passage_stances (
    passage_id VARCHAR PRIMARY KEY,
    cluster_id VARCHAR,                        -- NULL while unassigned
    score      FLOAT,
    polarity   VARCHAR,
    model_id   VARCHAR NOT NULL
);

CREATE TABLE article_stances (
    article_id VARCHAR NOT NULL,
    cluster_id VARCHAR NOT NULL,
    score      FLOAT NOT NULL,
    passages   INTEGER NOT NULL,
    PRIMARY KEY (article_id, cluster_id)
);

CREATE TABLE digests (
    week       VARCHAR NOT NULL,               -- ISO week, 2026-W48
    list_key   VARCHAR NOT NULL,               -- hash of the sorted recipient list
    recipients VARCHAR[] NOT NULL,
    subject    VARCHAR NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    message_id VARCHAR NOT NULL,
    PRIMARY KEY (week, list_key)
);
