"""What the spiders yield."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class PageItem:
    """An article page as fetched: raw bytes and how to read them."""

    url: str  # normalised (canonical link honoured)
    final_url: str
    source: str
    status: int
    content_type: str | None
    charset: str
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    hint_language: str | None = None
    hint_title: str | None = None
    hint_published: datetime | None = None


@dataclass
class FetchStateItem:
    """Validators of a feed or sitemap for the next conditional GET."""

    url: str
    etag: str | None
    last_modified: str | None
