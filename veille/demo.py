"""``veille demo``: the whole pipeline, offline, on the bundled demo news site."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from core.config import Config, load_config
from veille.demo_server import DEMO_SITE, SiteServer

DEMO_PORT = 48848
"""Tried first, so that article URLs (and so the warehouse) stay the same across runs."""


def demo_config(base: Config | None, out_dir: Path, db: Path | None) -> Config:
    """The user's configuration (or the defaults), pointed at the demo's own files."""
    config = base or load_config()
    crawl = config.crawl.model_copy(update={
        "sources": DEMO_SITE / "sources.toml", "download_delay": 0.0, "concurrency_per_domain": 8,
        "redis_url": None,
    })
    digest = config.digest.model_copy(update={"out_dir": out_dir / "digest"})
    return config.model_copy(update={"db": db or out_dir / "veille.duckdb", "crawl": crawl, "digest": digest})


def run_demo(base: Config | None, out_dir: Path, db: Path | None = None) -> Iterator[str]:
    from digest.run import build_digest
    from pipeline.cluster import cluster_stage
    from pipeline.crawl import crawl_stage
    from pipeline.process import process_stage
    from warehouse.store import Store

    started = time.monotonic()
    config = demo_config(base, out_dir, db)
    with SiteServer(DEMO_SITE, preferred_port=DEMO_PORT) as server:
        yield f"demo site: {server.base_url}/ (veille/demo_site)"
        yield crawl_stage(config, [], base_url=server.base_url).line()
    yield process_stage(config).line()
    yield cluster_stage(config).line()
    store = Store(config.db)
    week = store.scalar("demo_latest_week")
    outcome = build_digest(config.db, week, config.digest, config.smtp, send=False,
                           out_dir=config.digest.out_dir, force=False)
    yield str(outcome)
    yield from summary_lines(store)
    yield f"warehouse: {config.db}   (try: veille --db {config.db} query \"FROM articles LIMIT 5\")"
    yield f"demo: done in {time.monotonic() - started:.0f} s"
    yield f"web app: veille --db {config.db} serve   (then open http://127.0.0.1:8750/)"


def summary_lines(store) -> Iterator[str]:
    languages = store.fetch("demo_articles_by_language")
    yield "articles: " + ", ".join(
        f"{row['language']} {row['articles']} ({row['relevant']} relevant)" for row in languages
    )
    entities = store.fetch("demo_top_entities")
    yield "top entities: " + ", ".join(f"{row['name']} ({row['articles']})" for row in entities)
    clusters = store.fetch("demo_stance_clusters")
    yield f"stance clusters ({len(clusters)}):"
    for row in clusters:
        yield f"  {row['articles']:3d} articles  {row['label']}"
