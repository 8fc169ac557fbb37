"""The backfill stage: pages from WARC archives (Common Crawl News) into ``pages``, prefiltered.

Each archive is read record by record (``pipeline/warc.py``). HTTP responses
of HTML pages go through the prefilter (``nlp/prefilter.py``); those it keeps
and the warehouse does not hold yet (same normalised URL) are stored as pages
with their original URL, fetch date, HTTP headers and charset. Every
``batch_records`` records, the pages and the offset reached in the file are
written in one transaction (``backfill_files``), so a run killed at any moment
resumes where its last batch ended: no record is stored twice, none is
skipped. A file read to its end is not read again.

The stage stores pages only; ``veille process`` (or the nightly job) then
analyses them like crawled pages.
"""

from __future__ import annotations

import glob
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from core.config import Config
from core.errors import VeilleError
from core.progress import Progress
from crawlers.sources import Source, load_sources
from crawlers.urls import normalise_url
from nlp.prefilter import Prefilter
from pipeline.warc import Entry, NotAWarcError, WarcResponse, read_entries
from warehouse.records import PageRecord
from warehouse.store import Store, page_id_for

DEFAULT_SOURCE = "cc-news"
BATCH_RECORDS = 1000
_COUNTS = ("records", "responses", "kept", "stored", "damaged")


class BackfillInputError(VeilleError):
    """An archive path or pattern that names no readable file."""


@dataclass
class FileSummary:
    name: str
    records: int = 0
    responses: int = 0
    kept: int = 0
    stored: int = 0
    damaged: int = 0
    already_done: bool = False


@dataclass
class BackfillSummary:
    files: list[FileSummary] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)  # prefilter reasons this run

    def line(self) -> str:
        total: Counter[str] = Counter()
        for summary in self.files:
            total.update({key: getattr(summary, key) for key in _COUNTS})
        done = sum(1 for f in self.files if f.already_done)
        dropped = ", ".join(f"{reason} {n}" for reason, n in self.dropped.most_common()) or "none"
        lines = [f"backfill: {len(self.files)} files ({done} already read), {total['records']} records, "
                 f"{total['responses']} HTML pages, {total['kept']} kept by the prefilter (dropped: {dropped}), "
                 f"{total['stored']} stored as new pages; {total['damaged']} damaged stretches skipped; "
                 f"run `veille process` to analyse them"]
        lines += [f"  damaged  {f.name}: {f.damaged} stretches skipped (truncated or corrupt records)"
                  for f in self.files if f.damaged]
        lines += [f"  refused  {reason}" for reason in self.refused]
        return "\n".join(lines)


def expand_paths(patterns: Iterable[str]) -> list[Path]:
    """The archive files named by paths and glob patterns, in order, each once."""
    found: dict[Path, None] = {}
    for pattern in patterns:
        is_pattern = any(char in pattern for char in "*?[")
        matches = sorted(glob.glob(pattern, recursive=True)) if is_pattern else [pattern]
        files = [Path(m) for m in matches if Path(m).is_file()]
        if not files:
            raise BackfillInputError(f"{pattern}: no such archive file")
        found.update(dict.fromkeys(f.resolve() for f in files))
    return list(found)


def watch_prefilter(hosts: Iterable[str]) -> Prefilter:
    """The prefilter of the watch: its topic's terms, its knowledge base's names, the registry's hosts."""
    from nlp.entities.kb import KnowledgeBase
    from nlp.topic import Topic

    return Prefilter.for_watch(Topic.load(), KnowledgeBase.load(), hosts)


class _Batch:
    """Pages kept since the last commit, first occurrence of each URL."""

    def __init__(self) -> None:
        self.pages: dict[str, PageRecord] = {}
        self.records = 0

    def add(self, page: PageRecord) -> None:
        self.pages.setdefault(page.page_id, page)


class Backfill:
    def __init__(self, store: Store, prefilter: Prefilter | None, sources_by_host: dict[str, Source],
                 default_source: str, max_bytes: int, batch_records: int = BATCH_RECORDS) -> None:
        self.store = store
        self.prefilter = prefilter
        self.sources_by_host = sources_by_host
        self.default_source = default_source
        self.max_bytes = max_bytes
        self.batch_records = batch_records

    def _page(self, response: WarcResponse, summary: BackfillSummary) -> PageRecord | None:
        host = (urlsplit(response.url).hostname or "").lower()
        if self.prefilter is not None:
            verdict = self.prefilter.judge(response.body, host=host, charset=response.charset,
                                           content_language=_header(response.headers, "Content-Language"))
            if not verdict.kept:
                summary.dropped[verdict.reason] += 1
                return None
        source = self.sources_by_host.get(host) or self.sources_by_host.get(host.removeprefix("www."))
        url = normalise_url(response.url)
        return PageRecord(page_id=page_id_for(url), url=url, final_url=response.url,
                          source=source.name if source else self.default_source, status=response.status,
                          content_type=response.content_type, charset=response.charset, headers=response.headers,
                          body=response.body, fetched_at=response.fetched_at, origin="backfill",
                          hint_language=source.language if source else None)

    def run_file(self, path: Path, summary: BackfillSummary, progress: Progress) -> FileSummary:
        state = self.store.backfill_file(path.name)
        done = FileSummary(path.name)  # this run's counts; the warehouse keeps the file's totals
        if state is not None and state["done"]:
            done.already_done = True
            progress.advance(path.stat().st_size)
            return done
        before = {key: state[key] if state else 0 for key in _COUNTS}
        offset = state["next_offset"] if state else 0
        progress.advance(offset)
        batch = _Batch()
        for entry in read_entries(path, offset, max_bytes=self.max_bytes):
            self._count(entry, done, batch, summary)
            progress.advance(entry.end - offset)
            offset = entry.end
            if batch.records >= self.batch_records:
                self._commit(path, done, before, batch, offset, finished=False)
                batch = _Batch()
        self._commit(path, done, before, batch, offset, finished=True)
        return done

    def _count(self, entry: Entry, done: FileSummary, batch: _Batch, summary: BackfillSummary) -> None:
        if entry.kind == "damaged":
            done.damaged += 1
            return
        done.records += 1
        batch.records += 1
        if entry.page is None:
            return
        done.responses += 1
        page = self._page(entry.page, summary)
        if page is not None:
            done.kept += 1
            batch.add(page)

    def _commit(self, path: Path, done: FileSummary, before: dict[str, int], batch: _Batch, offset: int, *,
                finished: bool) -> None:
        known = self.store.known_page_ids(batch.pages) if batch.pages else set()
        new = [page for page_id, page in batch.pages.items() if page_id not in known]
        done.stored += len(new)
        progress = {"file_name": path.name, "path": str(path), "size": path.stat().st_size, "next_offset": offset,
                    "done": finished, **{key: before[key] + getattr(done, key) for key in _COUNTS}}
        self.store.save_backfill_batch(new, progress)


def _header(headers: dict[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def backfill_stage(config: Config, patterns: list[str], *, source: str = DEFAULT_SOURCE,
                   batch_records: int = BATCH_RECORDS, prefilter: bool = True) -> BackfillSummary:
    """Read the archives and store the pages the prefilter keeps (every HTML page without it);
    a refused file does not stop the others."""
    paths = expand_paths(patterns)
    registry = load_sources(config.crawl.sources)
    sources_by_host = {host.lower(): entry for entry in registry.sources for host in entry.hosts}
    store = Store(config.db)
    store.migrate()
    backfill = Backfill(store, watch_prefilter(sources_by_host) if prefilter else None, sources_by_host, source,
                        config.crawl.max_response_bytes, batch_records)
    summary = BackfillSummary()
    with Progress("backfill", sum(p.stat().st_size for p in paths), unit="bytes") as progress:
        for path in paths:
            try:
                summary.files.append(backfill.run_file(path, summary, progress))
            except NotAWarcError as error:
                summary.refused.append(str(error))
    return summary
