"""Typed rows exchanged with the warehouse.

A record with a ``TABLE`` is one stored row, declared here and nowhere else: its
fields are the table's columns (``warehouse.rows`` derives the Arrow schema and
the stored types from them, and a test checks them against the migrated
database). A new stored column is a numbered migration and one field here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, ClassVar

import numpy as np

from warehouse.rows import BIGINT, COMPRESSED, JSON, SMALLINT


@dataclass(frozen=True)
class PageRecord:
    """A raw HTTP response (or a document added by hand), body uncompressed."""

    TABLE: ClassVar[str] = "pages"

    page_id: str
    url: str
    final_url: str
    source: str
    status: Annotated[int, SMALLINT]
    content_type: str | None
    charset: str | None
    headers: Annotated[dict[str, str], JSON]
    body: Annotated[bytes, COMPRESSED]  # uncompressed here, compressed in the table
    fetched_at: datetime
    origin: str  # crawl | ingest
    run_id: str | None = None
    hint_language: str | None = None
    hint_title: str | None = None
    hint_published: datetime | None = None
    hint_published_offset: Annotated[int | None, SMALLINT] = None  # minutes east of UTC hint_published was given in
    body_sha256: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "body_sha256", hashlib.sha256(self.body).hexdigest())


@dataclass(frozen=True)
class BackfillFile:
    """How far one archive file has been read by a backfill (see 030_backfill.sql)."""

    TABLE: ClassVar[str] = "backfill_files"

    file_name: str
    path: str
    size: Annotated[int, BIGINT]
    next_offset: Annotated[int, BIGINT]
    records: Annotated[int, BIGINT]
    responses: Annotated[int, BIGINT]
    kept: Annotated[int, BIGINT]
    stored: Annotated[int, BIGINT]
    damaged: Annotated[int, BIGINT]
    done: bool
    updated_at: datetime


@dataclass(frozen=True)
class SourceAttempt:
    """How one source fared in one crawl run."""

    source: str
    succeeded: bool
    error: str | None  # its latest error in the run: outcome, URL and reason
    run_id: str | None = None  # set by the store when the attempt is merged into ``source_health``
    attempted_at: datetime | None = None


@dataclass(frozen=True)
class CrawlCount:
    """How many requests of one source in one crawl run ended with one outcome."""

    TABLE: ClassVar[str] = "crawl_run_counts"

    run_id: str
    source: str
    outcome: str
    count: int


@dataclass(frozen=True)
class FetchState:
    """The conditional-GET state of a feed or sitemap."""

    TABLE: ClassVar[str] = "fetch_state"

    url: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime


@dataclass(frozen=True)
class EntityRecord:
    """A lab, family or model of the knowledge base, copied into the warehouse for SQL."""

    TABLE: ClassVar[str] = "entities"

    entity_id: str
    kind: str
    name: str
    parent_id: str | None
    lab_id: str | None
    country: str | None
    openness: str | None
    license: str | None


@dataclass(frozen=True)
class AliasRecord:
    TABLE: ClassVar[str] = "entity_aliases"

    entity_id: str
    alias: str
    language: str


@dataclass(frozen=True)
class PageOutcome:
    """What processing made of one page at one nlp_version."""

    TABLE: ClassVar[str] = "page_outcomes"

    page_id: str
    nlp_version: str
    outcome: str  # article | no_article
    reason: str | None
    processed_at: datetime


@dataclass(frozen=True)
class StepRecord:
    """At which version one processing step was last done for one page (see 040_steps.sql)."""

    TABLE: ClassVar[str] = "page_steps"

    page_id: str
    step: str
    version: str
    done_at: datetime
    knowledge: str | None = None  # the knowledge base's fingerprint, on link records (060_knowledge_bases.sql)


@dataclass(frozen=True)
class ArticleRecord:
    TABLE: ClassVar[str] = "articles"

    article_id: str
    url: str
    source: str
    title: str | None
    author: str | None
    site_name: str | None
    language: str
    script: str | None
    published_at: datetime | None
    fetched_at: datetime
    text: str
    word_count: int
    relevance: float
    relevant: bool
    minhash: bytes | None = None  # nlp.stories.signature of the text
    relevance_evidence: Annotated[dict[str, Any] | None, JSON] = None  # the evidence behind ``relevance``
    published_offset: Annotated[int | None, SMALLINT] = None  # minutes east of UTC the page stated published_at in
    story_id: str | None = None  # set by the store (the article's own id) until stories are grouped
    nlp_version: str | None = None  # set by the store
    processed_at: datetime | None = None  # set by the store


@dataclass(frozen=True)
class MentionRecord:
    TABLE: ClassVar[str] = "mentions"

    article_id: str
    entity_id: str
    surface: str
    start_char: int
    end_char: int
    method: str  # ruler | fuzzy | ner
    score: float
    sentence: str | None = None


@dataclass(frozen=True)
class CandidateRecord:
    """A model-like name the knowledge base does not know, where one article writes it."""

    TABLE: ClassVar[str] = "entity_candidate_mentions"

    article_id: str
    name: str
    surface: str
    language: str
    start_char: int
    end_char: int
    sentence: str


@dataclass(frozen=True)
class PassageRecord:
    TABLE: ClassVar[str] = "passages"

    passage_id: str
    article_id: str
    ordinal: int
    language: str
    text: str
    text_hash: str
    start_char: int
    end_char: int


@dataclass(frozen=True)
class EmbeddingRecord:
    TABLE: ClassVar[str] = "embeddings"

    text_hash: str
    model_id: str
    vector: np.ndarray


@dataclass(frozen=True)
class ProcessedPage:
    """What the process stage made of one page: an article, or the reason there is none."""

    page_id: str
    outcome: str  # article | no_article
    reason: str | None = None
    article: ArticleRecord | None = None
    mentions: list[MentionRecord] = field(default_factory=list)
    passages: list[PassageRecord] = field(default_factory=list)
    embeddings: list[EmbeddingRecord] = field(default_factory=list)
    candidates: list[CandidateRecord] = field(default_factory=list)


@dataclass(frozen=True)
class StoryRow:
    article_id: str
    language: str
    published_at: datetime | None
    text: str | None  # needed only when ``signature`` is None
    vector: np.ndarray | None  # the document embedding; None for an article that names no entity
    entity_ids: frozenset[str]
    signature: bytes | None = None  # the text's MinHash signature (nlp.stories.signature)


@dataclass(frozen=True)
class ClusterRecord:
    TABLE: ClassVar[str] = "stance_clusters"

    cluster_id: str
    label: str
    kind: str
    polarity: str | None
    labels: Annotated[dict[str, str], JSON]
    keywords: Annotated[dict[str, list[str]], JSON]
    representatives: Annotated[list[str], JSON]
    model_id: str
    centroid: np.ndarray
    size: int
    created_at: datetime | None = None  # set by the store
    updated_at: datetime | None = None  # set by the store


@dataclass(frozen=True)
class PassageForClustering:
    passage_id: str
    article_id: str
    language: str
    text: str
    vector: np.ndarray
    story_id: str
    """The article's story (its translations and reprints share it), else the article id."""
    seen: bool = False
    """Placed by an earlier run and still waiting (a passage never placed is new)."""


@dataclass(frozen=True)
class PassageStance:
    TABLE: ClassVar[str] = "passage_stances"

    passage_id: str
    cluster_id: str | None
    score: float | None
    polarity: str | None
    model_id: str
    decision: str = "waiting"
    """"stance" (a seeded or emergent cluster), "none" (factual: takes no stance) or "waiting"."""
