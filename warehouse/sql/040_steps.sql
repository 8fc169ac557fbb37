-- Processing by step: at which version each step was last done for a page.
-- A step's version is its code version and a fingerprint of the data it reads;
-- a step reruns where its version changed, and the steps after it with it.
-- A page without a record of a step (a warehouse from before this table) needs it.
CREATE TABLE page_steps (
    page_id  VARCHAR NOT NULL,
    step     VARCHAR NOT NULL,   -- extract | link | relevance | passages | stances
    version  VARCHAR NOT NULL,
    done_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (page_id, step)
);
