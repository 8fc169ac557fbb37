"""The process stage on a local Ray cluster against the local process pool, on the same pages.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.ray_engine [--pages N] [--workers W]

Corpus pages repeated under distinct URLs are stored in two fresh warehouses;
``process_stage`` runs on each, once with the local pool (``W`` workers) and
once with ``engine="ray"`` (a local cluster started for the run, ``W`` actors),
timed from start to end (model loading, Ray's start, shards, writes and story
grouping included). Prints pages/s for each, the ratio Ray / pool, and what
the single writer did on the Ray run: shard size per page and the time spent
loading shards into DuckDB, the figures behind the CC-NEWS projection in
bench/README.md.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import tomlkit

from bench.corpus import load_pages, repeated_page_records
from core.config import load_config
from pipeline.process import process_stage
from warehouse.records import PageRecord
from warehouse.store import Store


class ShardLoads(logging.Handler):
    """Collects the engine's per-shard lines: pages, bytes and seconds spent loading."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.loads: list[tuple[int, int, float]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("shard "):
            _, pages, size, seconds = record.args
            self.loads.append((pages, size, seconds))


def _timed_run(folder: Path, records: list[PageRecord], workers: int, engine: str) -> tuple[int, float]:
    db = folder / engine / "veille.duckdb"
    db.parent.mkdir()
    config_file = folder / "veille.toml"
    config_file.write_text(tomlkit.dumps({"process": {"workers": workers}}), encoding="utf-8")
    store = Store(db)
    store.migrate()
    for start in range(0, len(records), 500):
        store.save_pages(records[start: start + 500])
    started = time.perf_counter()
    summary = process_stage(load_config(config_file, db), engine=engine)
    return summary.pages, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    records = repeated_page_records(load_pages(), args.pages)
    loads = ShardLoads()
    logger = logging.getLogger("veille.process")
    logger.addHandler(loads)
    logger.setLevel(logging.DEBUG)
    with tempfile.TemporaryDirectory() as folder:
        pool_pages, pool_seconds = _timed_run(Path(folder), records, args.workers, "local")
        ray_pages, ray_seconds = _timed_run(Path(folder), records, args.workers, "ray")
    pool, ray = pool_pages / pool_seconds, ray_pages / ray_seconds
    shard_pages = sum(pages for pages, _, _ in loads.loads)
    shard_bytes = sum(size for _, size, _ in loads.loads)
    load_seconds = sum(seconds for _, _, seconds in loads.loads)
    print(f"pages: {args.pages}, workers / actors: {args.workers}")
    print(f"local pool:         {pool:7.1f} pages/s in {pool_seconds:.0f} s")
    print(f"local Ray cluster:  {ray:7.1f} pages/s in {ray_seconds:.0f} s")
    print(f"ratio Ray / pool:   {ray / pool:7.2f}")
    print(f"page bodies sent to the actors: {sum(len(r.body) for r in records) / len(records) / 1024:.1f} KiB "
          "per page (uncompressed HTML)")
    if shard_pages:
        print(f"shards: {len(loads.loads)}, {shard_bytes / shard_pages / 1024:.1f} KiB per page (zstd Parquet)")
        print(f"single writer, shard loads into DuckDB: {shard_pages / load_seconds:.0f} pages/s "
              f"({load_seconds:.1f} s in all)")


if __name__ == "__main__":
    main()
