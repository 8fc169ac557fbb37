"""The crawl stage: the source registry → Scrapy → ``pages``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from core.config import Config
from warehouse.store import Store


@dataclass(frozen=True)
class CrawlStageSummary:
    run_id: str
    status: str
    sources: int
    counts: dict[str, int]
    failed_sources: list[str] = field(default_factory=list)

    @property
    def every_source_failed(self) -> bool:
        return bool(self.failed_sources) and len(self.failed_sources) == self.sources

    def line(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items(), key=lambda kv: -kv[1])) or "nothing"
        failed = ""
        if self.every_source_failed:
            failed = " (every source failed)"
        elif self.failed_sources:
            failed = f" ({len(self.failed_sources)} failed: {', '.join(self.failed_sources)})"
        return f"crawl: run {self.run_id} {self.status} over {self.sources} sources{failed}: {counts}"


def crawl_stage(
    config: Config,
    source_names: list[str],
    sources_file: Path | None = None,
    since: datetime | None = None,
    max_pages: int | None = None,
    base_url: str | None = None,
) -> CrawlStageSummary:
    """Crawl the named sources (all when none are named) into the warehouse."""
    from crawlers.run import run_crawl
    from crawlers.sources import load_sources

    registry = load_sources(sources_file or config.crawl.sources, base_url=base_url)
    sources = registry.named(source_names) if source_names else list(registry.sources)
    store = Store(config.db)
    store.migrate()
    summary = run_crawl(config.crawl, store, sources, since=since, max_pages=max_pages)
    return CrawlStageSummary(summary.run_id, summary.status, len(sources), summary.counts, summary.failed_sources)
