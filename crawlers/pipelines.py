"""Persisting what the spiders yield: raw pages and feed validators, in batches."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawlers.items import FetchStateItem, PageItem
from warehouse.records import PageRecord
from warehouse.store import Store, page_id_for


class WarehousePipeline:
    """Write pages to the warehouse in batches, one transaction each.

    A batch is written once it holds ``PAGE_BATCH_SIZE`` pages or
    ``PAGE_BATCH_BYTES`` of bodies, or once its first page has waited
    ``PAGE_BATCH_SECONDS``; the file is released between batches so that
    readers get in. Opening the file and committing cost tens of milliseconds
    whatever the batch holds, so batches are large. They are written by one
    background thread, in order, while the crawl goes on downloading (DuckDB
    works outside the GIL); the item that closes a batch waits for it to be
    stored, which holds the crawl back only when the warehouse is slower than
    the network. Counts by outcome are written when the spider closes; a run
    killed before that is marked interrupted by the next one. Feed and sitemap
    validators (ETag, Last-Modified) are saved only when the run finished:
    after an interrupted run the next one must not be told "not modified" by a
    feed whose entries it never followed.
    """

    def __init__(self, crawler: Crawler, store: Store, run_id: str, batch_size: int,
                 max_pages: int | None = None, *, batch_bytes: int = 32_000_000,
                 batch_seconds: float = 10.0) -> None:
        self.crawler = crawler
        self.max_pages = max_pages
        self.store = store
        self.run_id = run_id
        self.batch_size = batch_size
        self.batch_bytes = batch_bytes
        self.batch_seconds = batch_seconds
        self.pages: list[PageItem] = []
        self.pending_bytes = 0
        self.batch_started = 0.0
        self.states: dict[str, tuple[str | None, str | None]] = {}
        self.seen: set[str] = set()
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="veille-pages")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarehousePipeline:
        settings = crawler.settings
        if not settings.get("VEILLE_DB") or not settings.get("VEILLE_RUN_ID"):
            raise NotConfigured("VEILLE_DB and VEILLE_RUN_ID are set by `veille crawl`")
        pipeline = cls(
            crawler,
            Store(Path(settings["VEILLE_DB"])),
            settings["VEILLE_RUN_ID"],
            settings.getint("PAGE_BATCH_SIZE", 500),
            settings.getint("CLOSESPIDER_ITEMCOUNT") or None,
            batch_bytes=settings.getint("PAGE_BATCH_BYTES", 32_000_000),
            batch_seconds=settings.getfloat("PAGE_BATCH_SECONDS", 10.0),
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    async def process_item(self, item, spider: Spider | None = None):
        if isinstance(item, FetchStateItem):
            self.states[item.url] = (item.etag, item.last_modified)
            return item
        if not isinstance(item, PageItem):
            raise DropItem(f"unexpected item {type(item).__name__}")
        if item.url in self.seen:
            raise DropItem(f"{item.url} already stored in this run")
        if self.max_pages is not None and len(self.seen) >= self.max_pages:
            raise DropItem(f"{item.url}: the page limit ({self.max_pages}) is reached")  # fetched again next run
        self.seen.add(item.url)
        if not self.pages:
            self.batch_started = time.monotonic()
        self.pages.append(item)
        self.pending_bytes += len(item.body)
        self.crawler.stats.inc_value(f"veille/outcome/{item.source}/fetched")
        if (len(self.pages) >= self.batch_size or self.pending_bytes >= self.batch_bytes
                or time.monotonic() - self.batch_started >= self.batch_seconds):
            batch, self.pages, self.pending_bytes = self.pages, [], 0
            try:
                await asyncio.wrap_future(self.writer.submit(self._save, batch))
            except Exception as error:  # any storage failure ends the crawl
                self._stop(error)
        return item

    def _save(self, items: list[PageItem]) -> None:
        """Store one batch (in the writer thread: hashing and compressing the bodies happen there too)."""
        self.store.save_pages([
            PageRecord(
                page_id=page_id_for(item.url),
                url=item.url,
                final_url=item.final_url,
                source=item.source,
                status=item.status,
                content_type=item.content_type,
                charset=item.charset,
                headers=item.headers,
                body=item.body,
                fetched_at=item.fetched_at,
                origin="crawl",
                run_id=self.run_id,
                hint_language=item.hint_language,
                hint_title=item.hint_title,
                hint_published=item.hint_published,
            )
            for item in items
        ])

    def _stop(self, error: Exception) -> None:
        """The warehouse refused a batch: stop the crawl.

        Crawling on without being able to store would only lose pages, so the
        error is kept in the stats (``veille/warehouse_error``) for the caller
        and the spider is closed.
        """
        self.crawler.stats.set_value("veille/warehouse_error", str(error).splitlines()[0])
        if self.crawler.engine is not None and self.crawler.engine.running:
            asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="warehouse_error"))
        raise DropItem(f"warehouse error: {error}") from error

    def close_spider(self, spider: Spider | None = None) -> None:
        self.writer.shutdown(wait=True)
        batch, self.pages, self.pending_bytes = self.pages, [], 0
        if batch:
            try:
                self._save(batch)
            except Exception as error:
                self.crawler.stats.set_value("veille/warehouse_error", str(error).splitlines()[0])
        prefix = "veille/outcome/"
        counts: dict[tuple[str, str], int] = {}
        for key, value in self.crawler.stats.get_stats().items():
            if key.startswith(prefix):
                source, _, outcome = key[len(prefix):].partition("/")
                counts[(source, outcome)] = int(value)
        if counts:
            self.store.add_crawl_counts(self.run_id, counts)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if reason == "finished" and self.states:
            self.store.save_fetch_states(self.states)
