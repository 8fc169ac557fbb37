"""Crawls interrupted by real signals leave the warehouse consistent, and the
next run picks up what was missed, storing no page twice."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow  # two crawls of a deliberately slow site each

DATA = Path(__file__).with_name("data")
PAGES = 150
BATCH = 50  # [crawl] batch_pages in data/interrupt/veille.toml


@pytest.fixture
def slow_site(tmp_path, hostile_server_class):
    """A site of PAGES articles and a sitemap (with Last-Modified), 50 ms an answer."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    for n in range(PAGES):
        shutil.copy(DATA / "hostile" / "article.html", site / "a" / f"{n}.html")
    shutil.copy(DATA / "interrupt" / "routes.toml", site / "routes.toml")
    with hostile_server_class(site, site / "routes.toml", delay=0.05) as server:
        urls = "".join(f"<url><loc>{server.base_url}/a/{n}.html</loc></url>" for n in range(PAGES))
        (site / "sitemap.xml").write_text(
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>', encoding="utf-8")
        registry = tmp_path / "sources.toml"
        registry.write_bytes(server.substitute((DATA / "interrupt" / "sources.toml").read_bytes()))
        yield server, registry


def article_hits(server) -> int:
    return sum(path.startswith("/a/") for path in server.paths())


def crawl_args(db: Path, registry: Path) -> list[str]:
    return ["--config", str(DATA / "interrupt" / "veille.toml"), "--db", str(db), "crawl", "--sources", str(registry)]


def interrupt(db: Path, registry: Path, server, sig: signal.Signals, cwd: Path) -> None:
    """Start a crawl in a child process and send it ``sig`` once 70 pages were served."""
    child = subprocess.Popen([sys.executable, "-m", "veille.cli", *crawl_args(db, registry)], cwd=cwd,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while article_hits(server) < BATCH + 20 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.02)
    assert child.poll() is None, "the crawl ended before it could be interrupted"
    child.send_signal(sig)
    child.wait(timeout=60)


def state(db: Path) -> tuple[list[tuple[str, int]], list[tuple[str, str]], int]:
    with duckdb.connect(str(db), read_only=True) as connection:
        runs = connection.execute("SELECT status, pages_stored FROM crawl_runs ORDER BY run_id").fetchall()
        pages = connection.execute("SELECT url, run_id, body FROM pages").fetchall()
        fetched = connection.execute("SELECT coalesce(sum(count), 0) FROM crawl_run_counts "
                                     "WHERE outcome = 'fetched'").fetchone()[0]
    for _, _, body in pages:
        zlib.decompress(body)  # every stored body is whole
    return runs, [(url, run_id) for url, run_id, _ in pages], int(fetched)


def test_sigint_stops_cleanly_and_the_next_run_fetches_the_rest(slow_site, tmp_path, cli):
    server, registry = slow_site
    db = tmp_path / "veille.duckdb"
    interrupt(db, registry, server, signal.SIGINT, tmp_path)
    runs, pages, _ = state(db)
    assert runs[0][0] == "interrupted"
    assert BATCH <= len(pages) < PAGES  # the last partial batch was written on the way out
    assert runs[0][1] == len(pages)
    served_first = article_hits(server)

    resumed = cli(*crawl_args(db, registry), cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    runs, pages, fetched = state(db)
    assert [status for status, _ in runs] == ["interrupted", "finished"]
    assert len(pages) == len({url for url, _ in pages}) == PAGES
    assert fetched == PAGES  # no page fetched and stored twice
    assert article_hits(server) - served_first == PAGES - runs[0][1]  # only the missed pages were asked for


def test_sigkill_loses_at_most_the_open_batch_and_the_next_run_recovers(slow_site, tmp_path, cli):
    server, registry = slow_site
    db = tmp_path / "veille.duckdb"
    interrupt(db, registry, server, signal.SIGKILL, tmp_path)
    runs, pages, _ = state(db)
    assert runs == [("running", 0)]  # nobody could record the end
    assert len(pages) % BATCH == 0 and len(pages) >= BATCH  # whole batches only, never half of one
    kept = {url for url, _ in pages}

    resumed = cli(*crawl_args(db, registry), cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    runs, pages, _ = state(db)
    assert [status for status, _ in runs] == ["interrupted", "finished"]
    assert len(pages) == len({url for url, _ in pages}) == PAGES
    assert {url for url, run_id in pages if run_id != max(r for _, r in pages)} == kept  # not fetched again
    assert runs[1][1] == PAGES - len(kept)
