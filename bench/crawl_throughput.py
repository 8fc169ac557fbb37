"""Crawl throughput on a local site, against a bare Scrapy spider in the same run.

    .venv/bin/python -m bench.crawl_throughput [--pages 2000] [--page-kb 8]

A site of generated article pages (~8 KB each, each with a canonical link) and
a sitemap listing them is written to a temporary folder and served from
loopback by a small aiohttp server in its own process. The server's own
capacity is measured first (many concurrent aiohttp clients), so that it is
not what the crawls measure. Then, each in a fresh process:

- bare: a Scrapy spider that reads the sitemap and fetches every page, storing
  nothing (Scrapy's defaults, per-domain concurrency 16);
- veille: the real crawl (``run_crawl``: NewsSpider, middlewares, the
  warehouse pipeline) into a temporary DuckDB warehouse, with the same
  concurrency and no politeness delay.

Prints pages/s for both, the ratio veille / bare, and the crawler's RSS after
1,000 and after 2,000 pages.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import tomlkit

CONCURRENCY = 16
_PARAGRAPH = ("Open-weight models change how laboratories compete: a release under a permissive "
              "licence lets anyone run, study and adapt the model, and rivals answer within weeks. ")


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Progress:
    """A Scrapy extension: time from the first to the last page, RSS at milestones."""

    def __init__(self, crawler) -> None:
        from scrapy import signals

        self.pages = 0
        self.first: float | None = None
        self.last = 0.0
        self.memory: dict[int, tuple[float, float]] = {}
        crawler.signals.connect(self.response, signal=signals.response_received)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        self.out = crawler.settings["BENCH_OUT"]

    @classmethod
    def from_crawler(cls, crawler) -> Progress:
        return cls(crawler)

    def response(self, response, request, spider=None) -> None:
        if "/p/" not in response.url:
            return
        self.pages += 1
        now = time.perf_counter()
        self.first = self.first or now
        self.last = now
        if self.pages in (1000, 2000):
            self.memory[self.pages] = (_rss_mb(), _peak_mb())

    def closed(self, spider, reason) -> None:
        Path(self.out).write_text(json.dumps({
            "pages": self.pages, "seconds": self.last - (self.first or self.last), "memory": self.memory,
        }))


# -- the site ---------------------------------------------------------------------------

def write_site(root: Path, pages: int, page_kb: int, base_url: str) -> None:
    (root / "p").mkdir(parents=True)
    body = _PARAGRAPH * max(1, round(page_kb * 1024 / len(_PARAGRAPH)))
    for n in range(pages):
        (root / "p" / f"{n}.html").write_text(
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Story {n}</title>'
            f'<link rel="canonical" href="{base_url}/p/{n}.html"></head>'
            f"<body><article><h1>Story {n}</h1><p>{body}</p></article></body></html>", encoding="utf-8")
    urls = "".join(f"<url><loc>{base_url}/p/{n}.html</loc></url>" for n in range(pages))
    (root / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")


def serve(root: Path, port: int) -> None:
    from aiohttp import web

    app = web.Application()
    app.router.add_static("/", root)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


async def _load(base_url: str, pages: int, concurrency: int) -> float:
    import aiohttp

    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(pages):
        queue.put_nowait(n)

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            async with session.get(f"{base_url}/p/{queue.get_nowait()}.html") as response:
                await response.read()

    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        return pages / (time.perf_counter() - started)


# -- the two crawlers, each in its own process ----------------------------------------------

def bare(base_url: str, out: str) -> None:
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.sitemap import Sitemap

    class Bare(Spider):
        name = "bare"

        async def start(self):
            yield Request(f"{base_url}/sitemap.xml", callback=self.parse_sitemap)

        def parse_sitemap(self, response):
            for entry in Sitemap(response.body):
                yield Request(entry["loc"], callback=self.parse_page)

        def parse_page(self, response):
            return None

    process = CrawlerProcess({
        "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY, "CONCURRENT_REQUESTS": 32, "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "EXTENSIONS": {"bench.crawl_throughput.Progress": 0}, "BENCH_OUT": out,
    })
    process.crawl(Bare)
    process.start()


def veille(base_url: str, out: str, workdir: Path) -> None:
    import logging

    from crawlers.run import run_crawl
    from crawlers.sources import parse_sources
    from core.config import load_config
    from warehouse.store import Store

    # As the command line does: Scrapy sets its loggers to DEBUG when a crawl
    # starts, so the level is enforced on the handler.
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    logging.root.addHandler(handler)
    config_file = workdir / "veille.toml"
    config_file.write_text(tomlkit.dumps(
        {"crawl": {"download_delay": 0.0, "concurrency_per_domain": CONCURRENCY, "download_timeout": 30.0}}))
    config = load_config(config_file, workdir / "veille.duckdb")
    registry = parse_sources(tomlkit.dumps({"source": [{
        "name": "bench", "language": "en", "homepage": f"{base_url}/", "sitemaps": [f"{base_url}/sitemap.xml"],
        "allow_private_network": True}]}), "bench")
    store = Store(config.db)
    store.migrate()
    summary = run_crawl(config.crawl, store, list(registry.sources),
                        extra_settings={"EXTENSIONS": {"bench.crawl_throughput.Progress": 0}, "BENCH_OUT": out})
    result = json.loads(Path(out).read_text())
    result["stored"] = summary.counts.get("fetched", 0)
    Path(out).write_text(json.dumps(result))


def _child(kind: str, base_url: str, workdir: Path) -> dict[str, Any]:
    out = workdir / f"{kind}.json"
    subprocess.run([sys.executable, "-m", "bench.crawl_throughput", "--child", kind, "--base-url", base_url,
                    "--workdir", str(workdir)], check=True)
    return json.loads(out.read_text())


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--page-kb", type=int, default=8)
    parser.add_argument("--child", choices=["bare", "veille", "serve"])
    parser.add_argument("--base-url")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    if args.child == "serve":
        serve(args.workdir, int(args.base_url.rsplit(":", 1)[1]))
        return
    if args.child == "bare":
        bare(args.base_url, str(args.workdir / "bare.json"))
        return
    if args.child == "veille":
        veille(args.base_url, str(args.workdir / "veille.json"), args.workdir)
        return

    with tempfile.TemporaryDirectory(prefix="veille-crawl-bench-") as tmp:
        workdir = Path(tmp)
        base_url = f"http://127.0.0.1:{_free_port()}"
        write_site(workdir / "site", args.pages, args.page_kb, base_url)
        server = subprocess.Popen([sys.executable, "-m", "bench.crawl_throughput", "--child", "serve",
                                   "--base-url", base_url, "--workdir", str(workdir / "site")])
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    capacity = asyncio.run(_load(base_url, min(args.pages, 2000), 64))
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            bare_result = _child("bare", base_url, workdir)
            veille_result = _child("veille", base_url, workdir)
            page_kb = sum(f.stat().st_size for f in (workdir / "site" / "p").iterdir()) / args.pages / 1024
        finally:
            server.terminate()
            server.wait()

    bare_rate = bare_result["pages"] / bare_result["seconds"]
    veille_rate = veille_result["pages"] / veille_result["seconds"]
    print(f"site: {args.pages} pages of {page_kb:.1f} KB on loopback (aiohttp, its own process)")
    print(f"server alone (aiohttp client, 64 connections): {capacity:7.0f} pages/s")
    print(f"bare Scrapy:  {bare_rate:7.0f} pages/s ({bare_result['pages']} pages)")
    print(f"veille crawl: {veille_rate:7.0f} pages/s ({veille_result['stored']} pages stored)")
    print(f"ratio veille / bare: {veille_rate / bare_rate:.2f}")
    for label, result in (("bare", bare_result), ("veille", veille_result)):
        memory = ", ".join(f"after {n} pages {rss:.0f} MB (peak {peak:.0f} MB)"
                           for n, (rss, peak) in sorted(result["memory"].items(), key=lambda kv: int(kv[0])))
        print(f"RSS {label}: {memory}")


if __name__ == "__main__":
    main()
