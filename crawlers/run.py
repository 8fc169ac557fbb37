"""Running a crawl from veille: settings from the config, the run recorded."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawlers import settings as default_settings
from crawlers.items import PageItem
from crawlers.logs import quiet_failure_logs
from crawlers.sources import Source
from crawlers.spiders.news import NewsSpider
from core.config import CrawlConfig
from core.errors import VeilleError
from core.progress import Progress
from warehouse.records import SourceAttempt
from warehouse.store import Store


class CrawlError(VeilleError):
    """The crawl could not store what it fetched."""


SUCCESS_OUTCOMES = frozenset({"fetched", "not_modified", "feed_fetched", "sitemap_fetched", "listing_fetched"})
"""Outcomes that show a source answered: one of them in a run makes the source healthy."""
NEUTRAL_OUTCOMES = frozenset({"skipped_known", "skipped_old", "redirect_to_seen", "taken_by_another_crawler"})


@dataclass(frozen=True)
class CrawlSummary:
    run_id: str
    status: str
    counts: dict[str, int]  # outcome -> count, all sources together
    by_source: dict[str, dict[str, int]]  # source -> outcome -> count
    errors: dict[str, str]  # source -> its latest error in the run

    @property
    def failed_sources(self) -> list[str]:
        """Sources that met only errors in this run."""
        return sorted(name for name, attempt in self.attempts().items() if not attempt.succeeded)

    def attempts(self) -> dict[str, SourceAttempt]:
        """How each source that got any answer or error fared."""
        attempts = {}
        for source, counts in self.by_source.items():
            outcomes = set(counts)
            if outcomes & SUCCESS_OUTCOMES:
                attempts[source] = SourceAttempt(source, True, self.errors.get(source))
            elif outcomes - NEUTRAL_OUTCOMES:
                attempts[source] = SourceAttempt(source, False, self.errors.get(source) or
                                                 ", ".join(sorted(outcomes - NEUTRAL_OUTCOMES)))
        return attempts


def scrapy_settings(config: CrawlConfig, sources: list[Source], db: str, run_id: str,
                    max_pages: int | None) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    # veille's command line configures logging; Scrapy only logs through it.
    settings.set("LOG_ENABLED", False, priority="cmdline")
    overrides = {
        "USER_AGENT": config.agent,
        "ROBOTSTXT_OBEY": config.obey_robots_txt,
        "DOWNLOAD_TIMEOUT": config.download_timeout,
        "DOWNLOAD_MAXSIZE": config.max_response_bytes,
        "DOWNLOAD_WARNSIZE": min(config.max_response_bytes, 5_000_000),
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrency_per_domain,
        # AutoThrottle aims at half the allowed concurrency on average (2 for the
        # default 4): a fixed aim would leave a larger allowance unused.
        "AUTOTHROTTLE_TARGET_CONCURRENCY": max(1.0, config.concurrency_per_domain / 2),
        "DOWNLOAD_DELAY": config.download_delay,
        "AUTOTHROTTLE_START_DELAY": max(config.download_delay, 0.01),
        "RETRY_TIMES": config.retry_times,
        "PAGE_BATCH_SIZE": config.batch_pages,
        "PAGE_BATCH_SECONDS": config.batch_seconds,
        "VEILLE_DB": db,
        "VEILLE_RUN_ID": run_id,
        "VEILLE_PRIVATE_HOSTS": sorted({host for source in sources for host in source.private_hosts}),
        "DOWNLOAD_SLOTS": {
            source.domain: {"delay": source.download_delay}
            for source in sources
            if source.download_delay is not None
        },
    }
    if max_pages:
        overrides["CLOSESPIDER_ITEMCOUNT"] = max_pages
    if config.redis_url:
        overrides.update(
            {
                "SCHEDULER": "crawlers.frontier.SharedFrontier",
                "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
                "SCHEDULER_PERSIST": True,
                "SCHEDULER_QUEUE_KEY": "veille:%(spider)s:requests",
                "SCHEDULER_DUPEFILTER_KEY": "veille:%(spider)s:seen",
                "REDIS_URL": config.redis_url,
            }
        )
    settings.setdict(overrides, priority="cmdline")
    return settings


def _quiet_process(settings: Settings) -> CrawlerProcess:
    """A CrawlerProcess that leaves the logging levels veille set as they were.

    Scrapy resets the root logger and its own loggers to every level when it
    starts; the command line has already chosen what to show.
    """
    from scrapy.utils.log import DEFAULT_LOGGING

    names = ["", "scrapy", "twisted", *cast("dict[str, object]", DEFAULT_LOGGING.get("loggers", {}))]
    levels = {name: logging.getLogger(name).level for name in names}
    process = CrawlerProcess(settings)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    return process


def run_crawl(
    config: CrawlConfig,
    store: Store,
    sources: list[Source],
    *,
    since: datetime | None = None,
    max_pages: int | None = None,
    extra_settings: dict[str, Any] | None = None,
) -> CrawlSummary:
    """Crawl ``sources`` into the warehouse; one call per process (Twisted's reactor).

    ``extra_settings`` are Scrapy settings laid over veille's, a dictionary
    (``EXTENSIONS``...) merged into veille's own (the benchmark adds its
    measuring extension this way).
    """
    from core.errors import VeilleError

    if not sources:
        raise VeilleError("no sources to crawl")
    run_id = store.start_crawl_run([s.name for s in sources])
    settings = scrapy_settings(config, sources, str(store.path), run_id, max_pages)
    for name, value in (extra_settings or {}).items():
        if isinstance(value, dict):
            value = {**settings.getdict(name), **value}
        settings.set(name, value, priority="cmdline")
    quiet_failure_logs()
    process = _quiet_process(settings)
    crawler = process.create_crawler(NewsSpider)
    status = "failed"
    try:
        process.crawl(
            crawler,
            sources=sources,
            known_urls=store.known_urls(),
            fetch_states=store.fetch_states(),
            since=since,
        )
        with Progress("crawl", None, unit="pages") as progress:

            def count_page(item: object, **_: object) -> None:
                if isinstance(item, PageItem):
                    progress.advance()

            crawler.signals.connect(count_page, signal=signals.item_scraped)
            process.start()
        reason = crawler.stats.get_value("finish_reason") or "finished"
        status = {"shutdown": "interrupted", "warehouse_error": "failed"}.get(reason, "finished")
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        store.finish_crawl_run(run_id, status)
    if error := crawler.stats.get_value("veille/warehouse_error"):
        raise CrawlError(f"the crawl stopped: the warehouse refused a batch of pages: {error}")
    summary = _summary(run_id, status, crawler.stats.get_stats())
    if attempts := list(summary.attempts().values()):
        store.update_source_health(run_id, attempts)
    return summary


def _summary(run_id: str, status: str, stats: dict[str, Any]) -> CrawlSummary:
    totals: dict[str, int] = {}
    by_source: dict[str, dict[str, int]] = {}
    errors: dict[str, str] = {}
    for key, value in stats.items():
        if key.startswith("veille/outcome/"):
            source, _, outcome = key.removeprefix("veille/outcome/").partition("/")
            totals[outcome] = totals.get(outcome, 0) + int(value)
            by_source.setdefault(source, {})[outcome] = int(value)
        elif key.startswith("veille/last_error/"):
            errors[key.removeprefix("veille/last_error/")] = str(value)
    return CrawlSummary(run_id, status, totals, by_source, errors)
