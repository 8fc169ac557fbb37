"""AutoThrottle's floors: in a real crawl of a loopback site by the command line
(the server keeps the time of every request), and the delays it sets for given
latencies."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import duckdb
import pytest
from scrapy.core.downloader import Slot
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawlers.throttle import SiteThrottle

LOOPBACK = Path(__file__).with_name("data") / "loopback.toml"
PAGES = 6


def _site(root: Path, base_url: str) -> None:
    (root / "p").mkdir(parents=True)
    for n in range(PAGES):
        (root / "p" / f"{n}.html").write_text(
            f"<html><head><title>Story {n}</title></head><body><p>Story {n}.</p></body></html>", encoding="utf-8")
    urls = "".join(f"<url><loc>{base_url}/p/{n}.html</loc></url>" for n in range(PAGES))
    (root / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")


def _crawl(server, tmp_path: Path, veille, delay: float) -> list[float]:
    """The times the server saw the article requests of a source with its own delay."""
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "slow"\nlanguage = "en"\nhomepage = "{server.base_url}/"\n'
        f'sitemaps = ["{server.base_url}/sitemap.xml"]\nallow_private_network = true\ndownload_delay = {delay}\n',
        encoding="utf-8")
    db = tmp_path / "veille.duckdb"
    veille("--config", str(LOOPBACK), "--db", str(db), "crawl", "--sources", str(sources), cwd=tmp_path)
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM pages").fetchone()[0] == PAGES
    return sorted(t for n in range(PAGES) for t in server.times(f"/p/{n}.html"))


def test_a_sources_own_delay_is_kept_however_fast_the_site_answers(tmp_path, hostile_server_class, veille):
    root = tmp_path / "site"
    with hostile_server_class(root, routes=None) as server:
        _site(root, server.base_url)
        times = _crawl(server, tmp_path, veille, 0.3)
    gaps = [later - earlier for earlier, later in pairwise(times)]
    # Scrapy varies each delay by up to half either way; AutoThrottle alone
    # brought it down toward the latency within a few pages.
    assert min(gaps) >= 0.14, gaps
    assert server.max_in_flight == 1


def _throttle(**settings: object) -> SiteThrottle:
    crawler = get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_TARGET_CONCURRENCY": 4.0,
                                         "AUTOTHROTTLE_NEGLIGIBLE_DELAY": 0.01, **settings})
    return SiteThrottle(crawler)


def _delay_after(throttle: SiteThrottle, key: str, latencies: list[float], start: float = 0.01) -> float:
    slot = Slot(8, start, jitter=0.0)
    for latency in latencies:
        throttle.adjust(key, slot, latency, Response("http://site.example/", status=200))
    return slot.delay


def test_a_fast_site_is_not_paced_when_no_delay_is_configured():
    # Scrapy's AutoThrottle: 5 ms a page / 4 in flight = 1.25 ms between
    # requests, one timer per request.
    assert _delay_after(_throttle(DOWNLOAD_DELAY=0.0), "site.example", [0.005] * 5) == 0.0


def test_a_slow_site_is_paced_as_scrapy_paces_it():
    assert _delay_after(_throttle(DOWNLOAD_DELAY=0.0), "site.example", [0.4] * 5) == pytest.approx(0.1)


def test_the_configured_delay_and_a_sources_own_stay_floors():
    assert _delay_after(_throttle(DOWNLOAD_DELAY=0.5), "site.example", [0.005] * 5, start=0.5) == 0.5
    throttle = _throttle(DOWNLOAD_DELAY=0.0, DOWNLOAD_SLOTS={"slow.example": {"delay": 2.0}})
    assert _delay_after(throttle, "slow.example", [0.005] * 5, start=2.0) == 2.0
    assert _delay_after(throttle, "slow.example", [20.0], start=2.0) == 5.0  # a slow answer still raises it
