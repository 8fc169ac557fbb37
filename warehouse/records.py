"""Typed rows exchanged with the warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np


@dataclass(frozen=True)
class PageRecord:
    """A raw HTTP response (or a document added by hand), body uncompressed."""

    page_id: str
    url: str
    final_url: str
    source: str
    status: int
    content_type: str | None
    charset: str | None
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    origin: str  # crawl | ingest
    run_id: str | None = None
    hint_language: str | None = None
    hint_title: str | None = None
    hint_published: datetime | None = None
    hint_published_offset: int | None = None  # minutes east of UTC hint_published was given in, when known


@dataclass(frozen=True)
class SourceAttempt:
    """How one source fared in one crawl run."""

    source: str
    succeeded: bool
    error: str | None  # its latest error in the run: outcome, URL and reason


@dataclass(frozen=True)
class ArticleRecord:
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
    relevance_evidence: str | None = None  # JSON: the evidence behind ``relevance`` (veille explain)
    published_offset: int | None = None  # minutes east of UTC the page stated published_at in, when it did


@dataclass(frozen=True)
class MentionRecord:
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

    article_id: str
    name: str
    surface: str
    language: str
    start_char: int
    end_char: int
    sentence: str


@dataclass(frozen=True)
class PassageRecord:
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
    cluster_id: str
    label: str
    kind: str
    polarity: str | None
    labels: dict[str, str]
    keywords: dict[str, list[str]]
    representatives: list[str]
    model_id: str
    centroid: np.ndarray
    size: int


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
    passage_id: str
    cluster_id: str | None
    score: float | None
    polarity: str | None
    decision: str = "waiting"
    """"stance" (a seeded or emergent cluster), "none" (factual: takes no stance) or "waiting"."""
