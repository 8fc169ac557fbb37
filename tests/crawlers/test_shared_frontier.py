"""Two crawler processes on one scrapy-redis frontier (a real redis-server)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from veille.demo_server import DEMO_SITE

pytestmark = [
    pytest.mark.slow,  # a redis-server and two crawls
    pytest.mark.skipif(shutil.which("redis-server") is None,
                       reason="redis-server is not installed (scripts/test-all installs it)"),
]
LOOPBACK = Path(__file__).with_name("data") / "loopback.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_two_crawlers_share_one_frontier_and_fetch_each_url_once(tmp_path, redis_url, hostile_server_class):
    import redis

    with hostile_server_class(DEMO_SITE, routes=None, delay=0.03) as site:
        registry = tmp_path / "sources.toml"
        registry.write_bytes(site.substitute((DEMO_SITE / "sources.toml").read_bytes()))
        db = tmp_path / "veille.duckdb"
        command = [sys.executable, "-m", "veille.cli", "--config", str(LOOPBACK), "--db", str(db),
                   "crawl", "--sources", str(registry)]
        env = {**os.environ, "VEILLE_REDIS_URL": redis_url}
        env.pop("VEILLE_DB", None)
        crawlers = [subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [c.communicate(timeout=120) for c in crawlers]
        assert [c.returncode for c in crawlers] == [0, 0], results
        requested = Counter(site.paths())

    articles = list(DEMO_SITE.glob("*/2026/11/*.html"))
    twice = {path: n for path, n in requested.items() if n > 1 and path != "/robots.txt"}
    assert twice == {}  # robots.txt is read by each process; nothing else is asked for twice
    assert sum(path.endswith(".html") and "/2026/11/" in path for path in requested) == len(articles)
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT count(*), count(DISTINCT url) FROM pages").fetchone() == (len(articles),) * 2
        runs = connection.execute("SELECT status, pages_stored FROM crawl_runs").fetchall()
    assert [status for status, _ in runs] == ["finished", "finished"]
    # Together the two runs stored each page once. (How the work splits depends on
    # which process starts first, which a loaded machine decides.)
    assert sum(stored for _, stored in runs) == len(articles)
    ttl = redis.Redis.from_url(redis_url).ttl("veille:news:seen")
    assert 0 < ttl <= 12 * 3600
