"""The private-network allowance belongs to a source: a crawl of two sources on
one loopback host fetches only the allowing one's URLs, and every redirect hop
that points at an internal address is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

GUARD = Path(__file__).with_name("data") / "guard"


def test_allowance_is_per_source_and_every_redirect_hop_is_checked(tmp_path, cli, hostile_server_class):
    with hostile_server_class(GUARD, GUARD / "routes.toml") as server:
        registry = tmp_path / "sources.toml"
        registry.write_bytes(server.substitute((GUARD / "sources.toml").read_bytes()))
        db = tmp_path / "veille.duckdb"
        result = cli("--config", str(GUARD / "veille.toml"), "--db", str(db), "crawl", "--sources", str(registry),
                     cwd=tmp_path, timeout=120)
        paths = server.paths()
    assert result.returncode == 0, result.stderr
    assert "/guarded-feed.xml" not in paths and "/guarded-article.html" not in paths
    assert "/secret.html" not in paths  # no redirect reached it under another name for loopback
    assert {"/robots.txt", "/open-feed.xml", "/open-article.html", "/hop1.html", "/hop2.html", "/hop3.html",
            "/to-localhost.html", "/to-decimal.html", "/to-mapped.html"} <= set(paths)
    with duckdb.connect(str(db), read_only=True) as connection:
        counts = dict(connection.execute(
            "SELECT source || ' ' || outcome, sum(count)::INT FROM crawl_run_counts GROUP BY ALL").fetchall())
        stored = [url.removeprefix(server.base_url) for (url,) in connection.execute("SELECT url FROM pages").fetchall()]
    assert stored == ["/open-article.html"]
    assert counts["guarded private_address_refused"] == 1
    assert counts["open private_address_refused"] == 4  # the third hop, localhost, 2130706433, ::ffff:127.0.0.1
    refusals = [line for line in result.stderr.splitlines() if "guarded: private_address_refused" in line]
    assert len(refusals) == 1 and refusals[0].endswith(f"{server.base_url}/guarded-feed.xml: 127.0.0.1 is an internal address")


def test_the_resolver_refuses_internal_answers_when_connecting(tmp_path, hostile_server_class):
    """Twisted resolves a name again when it connects (DNS rebinding could answer
    differently): with the request guard off, the resolver alone still refuses."""
    with hostile_server_class(GUARD, GUARD / "routes.toml") as server:
        registry = tmp_path / "sources.toml"
        registry.write_bytes(server.substitute((GUARD / "named-sources.toml").read_bytes()))
        result = subprocess.run([sys.executable, str(GUARD / "crawl_unguarded.py"), str(registry),
                                 str(tmp_path / "veille.duckdb"), str(GUARD / "veille.toml")],
                                capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2])
        paths = server.paths()
    assert result.returncode == 0, result.stderr
    assert paths == ["/robots.txt", "/open-feed.xml"]  # through the name "named" allows, and nothing else
    errors = json.loads(result.stdout)
    assert errors["unnamed"].startswith(f"dns_error {server.base_url}/guarded-feed.xml: DNS lookup failed")
    assert errors["named"].startswith(f"dns_error {server.base_url}/")  # the feed's links name 127.0.0.1
