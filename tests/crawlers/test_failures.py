"""Failures that say so, once: unresolvable hosts, TLS and timeouts (robots.txt included) are one
line each naming the source and the URL, never a traceback; a crawl where every source failed exits
non-zero; each source's health is kept and shown by ``veille status``."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

FAILURES = Path(__file__).with_name("data") / "failures"
CONFIG = FAILURES / "veille.toml"


@pytest.fixture
def servers(hostile_server_class):
    """A loopback site (its robots.txt too slow to fetch, one feed too slow), and one that speaks plain HTTP."""
    with hostile_server_class(FAILURES, FAILURES / "routes.toml") as local, \
            hostile_server_class(FAILURES, None) as plain:
        yield local, plain


@pytest.fixture
def registry(servers, tmp_path) -> Path:
    local, plain = servers
    text = (FAILURES / "sources.toml").read_text(encoding="utf-8")
    path = tmp_path / "sources.toml"
    path.write_text(text.replace("__LOCAL__", f"127.0.0.1:{local.port}").replace("__PLAIN__", f"127.0.0.1:{plain.port}"),
                    encoding="utf-8")
    return path


def warnings(stderr: str) -> list[str]:
    return [line.split(" WARNING veille.crawl: ", 1)[1] for line in stderr.splitlines() if " WARNING " in line]


def health(db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute("SELECT source, consecutive_failures, last_success_at IS NOT NULL, last_error "
                                  "FROM source_health").fetchall()
    return {row[0]: row[1:] for row in rows}


def test_each_failure_is_one_line_with_source_and_url_and_no_traceback(servers, registry, tmp_path, cli):
    local, plain = servers
    db = tmp_path / "data" / "veille.duckdb"
    result = cli("--config", str(CONFIG), "--db", str(db), "crawl", "--sources", str(registry), cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # one source still works
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr
    lines = warnings(result.stderr)
    assert len(lines) == 6, lines
    expected = [
        r"ghost: robots_txt_error https://news\.veille-test\.invalid/robots\.txt: DNS lookup failed",
        r"ghost: dns_error https://news\.veille-test\.invalid/feed\.xml: DNS lookup failed",
        rf"no-tls: robots_txt_error https://127\.0\.0\.1:{plain.port}/robots\.txt: TLS handshake failed",
        rf"no-tls: tls_error https://127\.0\.0\.1:{plain.port}/feed\.xml: TLS handshake failed \(",
        rf"local: robots_txt_error http://127\.0\.0\.1:{local.port}/robots\.txt: .*(timeout|took longer)",
        rf"local: timeout http://127\.0\.0\.1:{local.port}/slow\.xml: ",
    ]
    for pattern in expected:
        assert sum(bool(re.match(pattern, line)) for line in lines) == 1, (pattern, lines)
    summary = result.stdout.strip()
    assert summary.count("\n") == 0
    assert re.match(r"crawl: run \S+ finished over 3 sources \(2 failed: ghost, no-tls\): ", summary)
    assert "fetched 1" in summary and "dns_error 1" in summary and "tls_error 1" in summary
    sources = health(db)
    assert {name: row[:2] for name, row in sources.items()} == {
        "ghost": (1, False), "no-tls": (1, False), "local": (0, True)}
    assert sources["ghost"][2] == ("dns_error https://news.veille-test.invalid/feed.xml: DNS lookup failed: "
                                   "no results for hostname lookup: news.veille-test.invalid.")
    assert sources["no-tls"][2].startswith(f"tls_error https://127.0.0.1:{plain.port}/feed.xml: TLS handshake")
    assert sources["local"][2].startswith(f"timeout http://127.0.0.1:{local.port}/slow.xml: ")
    check = cli("--db", str(db), "status", "--check", cwd=tmp_path)  # one failed run is not yet a problem
    assert check.returncode == 0 and check.stderr == "", check.stderr


def test_a_crawl_where_every_source_fails_exits_non_zero_and_status_counts_the_failures(registry, tmp_path, cli):
    db = tmp_path / "data" / "veille.duckdb"
    first = cli("--config", str(CONFIG), "--db", str(db), "crawl", "--sources", str(registry), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    for _ in range(2):
        failed = cli("--config", str(CONFIG), "--db", str(db), "crawl", "--sources", str(registry),
                     "--source", "ghost", "--source", "no-tls", cwd=tmp_path)
        assert failed.returncode == 1
        assert re.fullmatch(r"crawl: run \S+ finished over 2 sources \(every source failed\): .*\n", failed.stdout)
        assert "Traceback" not in failed.stderr
    assert {name: row[:2] for name, row in health(db).items()} == {
        "ghost": (3, False), "no-tls": (3, False), "local": (0, True)}

    config = tmp_path / "veille.toml"
    config.write_text(CONFIG.read_text() + f'sources = "{registry}"\n')
    status = cli("--config", str(config), "--db", str(db), "status", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    check = cli("--config", str(config), "--db", str(db), "status", "--check", cwd=tmp_path)
    assert check.returncode == 1 and check.stdout == status.stdout
    assert check.stderr == "check: 2 sources failed 3 crawl runs or more in a row (ghost, no-tls)\n"
    text = status.stdout
    assert "sources: 3, 2 failing" in text
    assert re.search(r"^  ghost +FAILING 3 runs in a row, last success never$", text, re.M)
    assert re.search(r"^ +last error \d{4}-\d\d-\d\d \d\d:\d\d UTC: dns_error https://news\.veille-test\.invalid/"
                     r"feed\.xml: DNS lookup failed", text, re.M)
    assert re.search(r"^  local +ok, last success \d{4}-\d\d-\d\d \d\d:\d\d UTC$", text, re.M)
    assert re.search(r"^last crawl: \S+ finished, 0 pages from 2 sources", text, re.M)
    assert re.search(r"^warehouse: .*veille\.duckdb, \d+\.\d [kM]B$", text, re.M)
    assert re.search(r"^  1 pages, last fetched \d{4}-\d\d-\d\d \d\d:\d\d UTC; 1 to process at version \d+\+[0-9a-f]+ "
                     r"\(new, or processed by an older version\), last processed never$", text, re.M)
