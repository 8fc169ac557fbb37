"""Crawl throughput on a local site, against a bare Scrapy spider in the same run.

    .venv/bin/python -m bench.crawl_throughput [--pages 2000] [--page-kb 8] [--runs 3] [--bare-items N]

A site of generated article pages (~8 KB each, each with a canonical link) and
a sitemap listing them is written to a temporary folder and served from
loopback by a small aiohttp server in its own process. The server's own
capacity is measured first (many concurrent aiohttp clients), so that it is
not what the crawls measure. Then, each in a fresh process:

- bare: a Scrapy spider that reads the sitemap and fetches every page, storing
  nothing (Scrapy's defaults, per-domain concurrency 16; ``--bare-items N``
  sets its ``CONCURRENT_ITEMS``, 100 by default, to compare like with like
  with veille's 4);
- veille: the real crawl (``run_crawl``: NewsSpider, middlewares, the
  warehouse pipeline) into a fresh temporary DuckDB warehouse, with the same
  concurrency and no politeness delay (AutoThrottle stays on, as in production).

Bare and veille run one after the other, ``--runs`` times: the machine's
other work comes and goes, so the best of each and the median of the rounds'
ratios are printed. Pages/s is wall time from the first to the last article
response. CPU time per page is taken over the same span, for the whole process
(the warehouse writer's thread included) and for the reactor's thread alone,
which sets the crawl's pace: figures less sensitive than wall time to other
work on the machine. Then the crawlers' RSS after 1,000 and 2,000 pages, and
the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
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
    """A Scrapy extension: time from the first to the last page, CPU time in that span, RSS at milestones.

    CPU clocks are read at the first page and when the expected number of
    pages has come (``BENCH_PAGES``), not at every page: the process clock
    costs more with every thread the process has.
    """

    def __init__(self, crawler) -> None:
        from scrapy import signals

        self.pages = 0
        self.expected = crawler.settings.getint("BENCH_PAGES")
        self.first: float | None = None
        self.last = 0.0
        self.cpu: dict[str, tuple[float, float]] = {}
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
        self.last = time.perf_counter()
        if self.first is None:
            self.first = self.last
            self.cpu["first"] = (time.process_time(), time.thread_time())
        if self.pages == self.expected:
            self.cpu["last"] = (time.process_time(), time.thread_time())
        if self.pages in (1000, 2000):
            self.memory[self.pages] = (_rss_mb(), _peak_mb())

    def closed(self, spider, reason) -> None:
        (process_first, thread_first), (process_last, thread_last) = self.cpu["first"], self.cpu["last"]
        Path(self.out).write_text(json.dumps({
            "pages": self.pages, "seconds": self.last - (self.first or self.last), "memory": self.memory,
            "cpu_seconds": process_last - process_first, "reactor_seconds": thread_last - thread_first,
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

def bare(base_url: str, out: str, pages: int, items: int | None) -> None:
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

    settings: dict[str, Any] = {"CONCURRENT_ITEMS": items} if items else {}
    process = CrawlerProcess({
        **settings, "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY, "CONCURRENT_REQUESTS": 32, "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "EXTENSIONS": {"bench.crawl_throughput.Progress": 0}, "BENCH_OUT": out, "BENCH_PAGES": pages,
    })
    process.crawl(Bare)
    process.start()


def veille(base_url: str, out: str, workdir: Path, pages: int) -> None:
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
    (workdir / "veille.duckdb").unlink(missing_ok=True)  # a fresh warehouse: no page is known yet
    config = load_config(config_file, workdir / "veille.duckdb")
    registry = parse_sources(tomlkit.dumps({"source": [{
        "name": "bench", "language": "en", "homepage": f"{base_url}/", "sitemaps": [f"{base_url}/sitemap.xml"],
        "allow_private_network": True}]}), "bench")
    store = Store(config.db)
    store.migrate()
    summary = run_crawl(config.crawl, store, list(registry.sources),
                        extra_settings={"EXTENSIONS": {"bench.crawl_throughput.Progress": 0}, "BENCH_OUT": out,
                                        "BENCH_PAGES": pages})
    result = json.loads(Path(out).read_text())
    result["stored"] = summary.counts.get("fetched", 0)
    Path(out).write_text(json.dumps(result))


def _child(kind: str, base_url: str, workdir: Path, pages: int, items: int | None) -> dict[str, Any]:
    out = workdir / f"{kind}.json"
    subprocess.run([sys.executable, "-m", "bench.crawl_throughput", "--child", kind, "--base-url", base_url,
                    "--workdir", str(workdir), "--pages", str(pages), *(["--bare-items", str(items)] if items else [])],
                   check=True)
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
    parser.add_argument("--runs", type=int, default=3, help="rounds of bare then veille (default 3)")
    parser.add_argument("--bare-items", type=int, help="the bare spider's CONCURRENT_ITEMS (default Scrapy's 100)")
    parser.add_argument("--child", choices=["bare", "veille", "serve"])
    parser.add_argument("--base-url")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    if args.child == "serve":
        serve(args.workdir, int(args.base_url.rsplit(":", 1)[1]))
        return
    if args.child == "bare":
        bare(args.base_url, str(args.workdir / "bare.json"), args.pages, args.bare_items)
        return
    if args.child == "veille":
        veille(args.base_url, str(args.workdir / "veille.json"), args.workdir, args.pages)
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
            rounds = [(_child("bare", base_url, workdir, args.pages, args.bare_items),
                       _child("veille", base_url, workdir, args.pages, None)) for _ in range(args.runs)]
            page_kb = sum(f.stat().st_size for f in (workdir / "site" / "p").iterdir()) / args.pages / 1024
        finally:
            server.terminate()
            server.wait()
    report(rounds, args.pages, page_kb, capacity, args.bare_items)


def report(rounds: list[tuple[dict[str, Any], dict[str, Any]]], pages: int, page_kb: float, capacity: float,
           bare_items: int | None) -> None:
    """Each round's figures, then the best of each crawler and the median of the rounds' ratios."""
    def rate(result: dict[str, Any]) -> float:
        return result["pages"] / result["seconds"]

    def per_page(result: dict[str, Any], key: str) -> float:
        return result[key] * 1000 / result["pages"]

    print(f"site: {pages} pages of {page_kb:.1f} KB on loopback (aiohttp, its own process)")
    print(f"server alone (aiohttp client, 64 connections): {capacity:7.0f} pages/s")
    print(f"bare spider's CONCURRENT_ITEMS: {bare_items or 100}{'' if bare_items else ' (Scrapy default)'}")
    print("round  bare pages/s  veille pages/s  ratio  CPU ms/page bare, veille (all threads | reactor thread)")
    for n, (bare_result, veille_result) in enumerate(rounds, 1):
        ratio = rate(veille_result) / rate(bare_result)
        print(f"{n:5d}  {rate(bare_result):12.0f}  {rate(veille_result):14.0f}  {ratio:5.2f}"
              f"  {per_page(bare_result, 'cpu_seconds'):.2f}, {per_page(veille_result, 'cpu_seconds'):.2f}"
              f" | {per_page(bare_result, 'reactor_seconds'):.2f}, {per_page(veille_result, 'reactor_seconds'):.2f}")
    best_bare, best_veille = (max(rate(r[i]) for r in rounds) for i in (0, 1))
    print(f"best of {len(rounds)}: bare {best_bare:.0f} pages/s, veille {best_veille:.0f} pages/s "
          f"({rounds[-1][1]['stored']} pages stored), ratio {best_veille / best_bare:.2f}")
    print(f"median of the rounds' ratios: {statistics.median(rate(v) / rate(b) for b, v in rounds):.2f}")
    for label, key in (("all threads", "cpu_seconds"), ("reactor thread", "reactor_seconds")):
        bare_cpu, veille_cpu = (statistics.median(per_page(r[i], key) for r in rounds) for i in (0, 1))
        print(f"CPU per page, {label} (medians): bare {bare_cpu:.2f} ms, veille {veille_cpu:.2f} ms, "
              f"ratio bare / veille {bare_cpu / veille_cpu:.2f}")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, result in (("bare", rounds[-1][0]), ("veille", rounds[-1][1])):
        memory = ", ".join(f"after {n} pages {rss:.0f} MB (peak {peak:.0f} MB)"
                           for n, (rss, peak) in sorted(result["memory"].items(), key=lambda kv: int(kv[0])))
        print(f"RSS {label} (last round): {memory}")

if __name__ == "__main__":
    main()
