"""The real crawl against a hostile server on loopback: it finishes, stores every
good page once, and counts every bad one with its reason."""

from __future__ import annotations

import zlib
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow  # two crawls with real timeouts and retries: about 7 s

HOSTILE = Path(__file__).with_name("data") / "hostile"
CONFIG = HOSTILE / "veille.toml"

GOOD = {  # stored url path -> charset used to decode it
    "/busy.html": "utf-8",
    "/fresh.html": "utf-8",
    "/listed/one.html": "utf-8",
    "/listed/two.html": "utf-8",
    "/tracked.html?id=7": "utf-8",
    "/canonical.html": "utf-8",
    "/gbk-meta.html": "gb18030",
    "/gbk-as-utf8.html": "gb18030",
    "/big5.html": "big5hkscs",
    "/cp1252.html": "cp1252",
}
BAD = {  # outcome -> how many
    "http_500": 1,
    "http_404": 1,
    "timeout": 1,
    "redirect_loop": 1,
    "truncated": 1,
    "too_large": 1,
    "not_html": 1,
    "robots_denied": 1,
    "private_address_refused": 2,
    "malformed_feed": 2,
    "skipped_old": 1,
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, cli, hostile_server_class):
    """Two crawls of the hostile site (the second should fetch almost nothing)."""
    tmp = tmp_path_factory.mktemp("hostile")
    with hostile_server_class() as server:
        registry = tmp / "sources.toml"
        registry.write_bytes(server.substitute((HOSTILE / "sources.toml").read_bytes()))
        db = tmp / "veille.duckdb"
        args = ("--config", str(CONFIG), "--db", str(db), "crawl", "--sources", str(registry), "--since", "2026-11-01")
        first = cli(*args, cwd=tmp, timeout=120)
        hits_first = len(server.hits)
        second = cli(*args, cwd=tmp, timeout=120)
        yield server, db, first, second, hits_first


def counts(db: Path, run: int) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(
            "SELECT outcome, sum(count) FROM crawl_run_counts WHERE run_id = "
            "(SELECT run_id FROM crawl_runs ORDER BY run_id LIMIT 1 OFFSET ?) GROUP BY outcome",
            [run],
        ).fetchall()
    return {outcome: int(n) for outcome, n in rows}


def test_the_crawl_finishes_and_stores_every_good_page_once(crawled):
    server, db, first, _, _ = crawled
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute("SELECT url, charset, body, status FROM pages").fetchall()
        run = connection.execute("SELECT status, pages_stored FROM crawl_runs ORDER BY run_id LIMIT 1").fetchone()
    stored = {url.removeprefix(server.base_url): charset for url, charset, _, _ in rows}
    assert stored == GOOD
    assert run == ("finished", len(GOOD))
    assert {status for *_, status in rows} == {200}
    bodies = {url.removeprefix(server.base_url): zlib.decompress(body) for url, _, body, _ in rows}
    texts = {path: bodies[path].decode(charset) for path, charset in GOOD.items()}
    assert "开源大模型" in texts["/gbk-meta.html"] and "开源大模型" in texts["/gbk-as-utf8.html"]
    assert "開源大模型" in texts["/big5.html"]
    assert "“Open weights”" in texts["/cp1252.html"] and "l’économie" in texts["/cp1252.html"]


def test_every_bad_page_is_counted_with_its_reason(crawled):
    _, db, _, _, _ = crawled
    outcomes = counts(db, 0)
    assert {k: outcomes.get(k) for k in BAD} == BAD
    assert outcomes["fetched"] == len(GOOD)
    assert outcomes["feed_fetched"] == 1 and outcomes["sitemap_fetched"] == 1


def test_politeness_retries_and_limits_as_seen_by_the_server(crawled):
    server, *_ = crawled
    paths = server.paths()
    busy = server.times("/busy.html")
    assert len(busy) == 2 and busy[1] - busy[0] >= 1.0  # Retry-After: 1 was honoured
    broken = server.times("/broken.html")
    assert len(broken) == 2 and broken[1] - broken[0] >= 1.0  # one retry, after a backoff
    assert "/private/hidden.html" not in paths  # robots.txt obeyed
    assert "/secret.html" not in paths  # the redirect to another host name was refused without connecting
    assert not any(p.startswith("/stale.html") or p == "/about.html" for p in paths)  # --since, link pattern
    assert server.streamed_bytes < 5_000_000  # the 50 MB page was cut off early
    # concurrency_per_domain: /slow.html outlasts the 1 s timeout, and the
    # server's threads note an answer a little after the crawler has it.
    assert server.most_at_once(excluding=frozenset({"/slow.html"}), grace=0.02) <= 4
    agents = {hit.headers.get("User-Agent") for hit in server.hits}
    assert agents == {"veille/0.1 (news monitoring; +https://veille.example.org/crawler-contact)"}


def test_the_next_run_fetches_almost_nothing(crawled):
    server, db, _, second, hits_first = crawled
    assert second.returncode == 0, second.stderr
    outcomes = counts(db, 1)
    assert outcomes.get("fetched", 0) == 0
    assert outcomes["not_modified"] == 2  # the feed by ETag, the news sitemap by Last-Modified
    assert outcomes["skipped_known"] == 2  # the listing's links; the feed and sitemap did not change
    later = server.hits[hits_first:]
    assert any(h.headers.get("If-None-Match") for h in later if h.path == "/feed.xml")
    assert any(h.headers.get("If-Modified-Since") for h in later if h.path == "/news-sitemap.xml")
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT count(*), count(DISTINCT url) FROM pages").fetchone() == (len(GOOD),) * 2
