"""Adding documents by hand: files (HTML or plain text) or URLs, processed like crawled pages.

Each input is checked first: only http(s) URLs and files (paths or ``file:``
URIs) are read, and anything that is not HTML or plain text is refused with
the reason. A document already stored with the same content and the same
details given by hand is skipped as known. The summary says, for each input,
what became of it. The HTTP client (``crawlers.fetch``, urllib3) is imported
for the first URL: files need none of it.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crawlers.urls import normalise_url
from core.config import Config
from core.errors import VeilleError
from pipeline.sniff import refusal
from warehouse.records import PageRecord
from warehouse.store import Store, page_id_for

SOURCE = "manual"


class Refused(VeilleError):
    """An input that cannot be ingested; the message says why."""


@dataclass
class IngestSummary:
    stored: list[str] = field(default_factory=list)  # one line per stored document, with what it became
    known: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    process_line: str | None = None

    def __str__(self) -> str:
        head = (f"ingest: {len(self.stored)} stored, {len(self.known)} already known (same content), "
                f"{len(self.refused)} refused")
        lines = [head, *(f"  stored   {line}" for line in self.stored),
                 *(f"  known    {line}" for line in self.known), *(f"  refused  {line}" for line in self.refused)]
        return "\n".join(lines + ([self.process_line] if self.process_line else []))


def _content_type(path: Path, body: bytes) -> str:
    guessed = mimetypes.guess_type(path.name)[0]
    if guessed in {"text/html", "text/plain", "application/xhtml+xml"}:
        return guessed
    head = body[:512].lstrip().lower()
    return "text/html" if head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<")) else "text/plain"


def _read_file(path: Path) -> tuple[bytes, str, str | None]:
    try:
        body = path.read_bytes()
    except OSError as error:
        raise Refused(f"cannot read it: {error.strerror}") from None
    if reason := refusal(body):
        raise Refused(reason)
    content_type = _content_type(path, body)
    charset = None
    if content_type == "text/plain":
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        charset = best.encoding if best else "utf-8"
    return body, content_type, charset


def _fetch(url: str, config: Config) -> tuple[bytes, str, str | None, str, int]:
    from crawlers.fetch import FetchError, FetchLimits, InternalAddress, fetch

    limits = FetchLimits.from_config(config.crawl, frozenset(h.lower() for h in config.crawl.ingest_private_hosts))
    try:
        fetched = fetch(url, limits)
    except InternalAddress as error:
        raise Refused(f"{error}; save the page and ingest the file instead") from None
    except FetchError as error:
        raise Refused(f"cannot fetch it: {error}") from None
    content_type = fetched.content_type or _content_type(Path(urlsplit(fetched.final_url).path), fetched.body)
    if reason := refusal(fetched.body, content_type):
        raise Refused(reason)
    charset = fetched.text()[1]
    return fetched.body, content_type, charset, fetched.final_url, fetched.status


def _local_path(item: str) -> Path | None:
    """The file an input names (a path or a ``file:`` URI), or None for a URL."""
    if Path(item).exists():
        return Path(item)
    parts = urlsplit(item)
    if parts.scheme == "file":
        if parts.netloc not in {"", "localhost"}:
            raise Refused("a file: URI on another host cannot be read")
        return Path(unquote(parts.path))
    if parts.scheme in {"http", "https"}:
        return None
    if len(parts.scheme) > 1:  # not a drive letter
        raise Refused(f"{parts.scheme}: URLs are not read; give an http(s) URL or a file")
    return Path(item)


def _page(item: str, config: Config, url: str | None, hints: dict, now: datetime) -> PageRecord:
    path = _local_path(item)
    if path is None:
        body, content_type, charset, final_url, status = _fetch(item, config)
        article_url = normalise_url(url or item)
    else:
        body, content_type, charset = _read_file(path)
        final_url = path.resolve().as_uri()
        article_url = url and normalise_url(url) or final_url
        status = 200
    if not body.strip():
        raise Refused("it is empty")
    return PageRecord(page_id=page_id_for(article_url), url=article_url, final_url=final_url, source=SOURCE,
                      status=status, content_type=content_type, charset=charset, headers={}, body=body,
                      fetched_at=now, origin="ingest", **hints)


def _is_known(page: PageRecord, stored: dict[str, tuple]) -> bool:
    known = stored.get(page.page_id)
    return known is not None and known == (page.body_sha256, page.hint_title,
                                           page.hint_language, page.hint_published, page.hint_published_offset)


def _became(row: dict | None) -> str:
    from core.languages import registry
    from nlp.extraction import min_characters

    if row is None:
        return "not processed"
    if row["outcome"] == "article":
        return f"article ({row['language']}, {'relevant' if row['relevant'] else 'not relevant'})"
    if row["reason"] == "too_short":
        unspaced = " or ".join(sorted(spec.name for spec in registry() if not spec.spaced))
        return (f"no article: too short (veille keeps texts of at least {min_characters(False)} characters, "
                f"{min_characters(True)} in {unspaced})")
    return f"no article: {row['reason']}"


def ingest_stage(
    config: Config,
    paths: list[str],
    *,
    url: str | None = None,
    language: str | None = None,
    title: str | None = None,
    published: datetime | None = None,
) -> IngestSummary:
    """Check and store the documents as pages, then run the process stage over them."""
    from pipeline.analyse import AnalyserSettings, require_models
    from pipeline.process import process_stage

    require_models(AnalyserSettings.from_config(config))  # before any document is read or stored
    now = datetime.now(timezone.utc)
    offset = published.utcoffset() if published is not None else None
    hints = {"hint_language": language, "hint_title": title, "hint_published": published,
             "hint_published_offset": int(offset.total_seconds() // 60) if offset is not None else None}
    summary = IngestSummary()
    pages: dict[str, tuple[str, PageRecord]] = {}
    for item in paths:
        try:
            page = _page(item, config, url, hints, now)
        except Refused as reason:
            summary.refused.append(f"{item}: {reason}")
            continue
        pages[page.page_id] = (item, page)
    if not pages:
        return summary
    store = Store(config.db)
    with store.held():  # three calls in a row: one open
        store.migrate()
        stored = {row["page_id"]: (row["body_sha256"], row["hint_title"], row["hint_language"],
                                   row["hint_published"], row["hint_published_offset"])
                  for row in store.fetch("ingest_known_pages", {"ids": list(pages)})}
        new = {page_id: (item, page) for page_id, (item, page) in pages.items() if not _is_known(page, stored)}
        if new:
            store.save_pages([page for _, page in new.values()])
    summary.known = [f"{item}: already stored as {page.url}" for page_id, (item, page) in pages.items()
                     if page_id not in new]
    if new:
        summary.process_line = process_stage(config).line()
        outcomes = {row["page_id"]: row for row in store.fetch("ingest_outcomes", {"ids": list(new)})}
        summary.stored = [f"{item} → {_became(outcomes.get(page_id))}" for page_id, (item, _) in new.items()]
    return summary
