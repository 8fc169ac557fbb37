"""AutoThrottle's floors, in real crawls of a loopback site by the command line.

The server keeps the time of every request. Two sources on the same site, one
with a delay of its own: its requests stay that far apart although the site
answers in a millisecond; the other, with no delay configured, is not paced at
all (requests overlap, up to the per-site concurrency).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import duckdb

LOOPBACK = Path(__file__).with_name("data") / "loopback.toml"
PAGES = {"slow": 6, "fast": 16}


def _site(root: Path, base_url: str) -> None:
    for name in ("slow", "fast"):
        (root / name).mkdir(parents=True)
        for n in range(PAGES[name]):
            (root / name / f"{n}.html").write_text(
                f"<html><head><title>{name} {n}</title></head><body><p>Story {n}.</p></body></html>", encoding="utf-8")
        urls = "".join(f"<url><loc>{base_url}/{name}/{n}.html</loc></url>" for n in range(PAGES[name]))
        (root / f"{name}.xml").write_text(
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
            encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")


def _sources(path: Path, base_url: str, name: str, delay: float | None) -> None:
    path.write_text(
        f'[[source]]\nname = "{name}"\nlanguage = "en"\nhomepage = "{base_url}/"\n'
        f'sitemaps = ["{base_url}/{name}.xml"]\nallow_private_network = true\n'
        + (f"download_delay = {delay}\n" if delay is not None else ""), encoding="utf-8")


def _crawl(server, tmp_path: Path, veille, name: str, delay: float | None) -> list[float]:
    _sources(tmp_path / f"{name}.toml", server.base_url, name, delay)
    db = tmp_path / f"{name}.duckdb"
    veille("--config", str(LOOPBACK), "--db", str(db), "crawl", "--sources", str(tmp_path / f"{name}.toml"),
           cwd=tmp_path)
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM pages").fetchone()[0] == PAGES[name]
    return sorted(t for n in range(PAGES[name]) for t in server.times(f"/{name}/{n}.html"))


def test_a_sources_own_delay_is_kept_however_fast_the_site_answers(tmp_path, hostile_server_class, veille):
    root = tmp_path / "site"
    with hostile_server_class(root, routes=None) as server:
        _site(root, server.base_url)
        times = _crawl(server, tmp_path, veille, "slow", 0.3)
    gaps = [later - earlier for earlier, later in pairwise(times)]
    # Scrapy varies each delay by up to half either way; AutoThrottle alone
    # brought it down toward the latency within a few pages.
    assert min(gaps) >= 0.14, gaps
    assert server.max_in_flight == 1


def test_a_fast_site_is_not_paced_when_no_delay_is_configured(tmp_path, hostile_server_class, veille):
    root = tmp_path / "site"
    # 20 ms an answer: AutoThrottle's aim of 4 requests in flight (half the
    # concurrency of 8) makes 5 ms between requests, under its floor of 10 ms,
    # so the per-site concurrency alone holds requests back.
    with hostile_server_class(root, routes=None, delay=0.02) as server:
        _site(root, server.base_url)
        _crawl(server, tmp_path, veille, "fast", None)
    assert server.max_in_flight == 8
