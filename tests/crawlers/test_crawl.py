"""Real Scrapy crawls over HTTP on loopback, into a real warehouse."""

import json
from pathlib import Path

import duckdb
import pytest

from veille.demo_server import DEMO_SITE, SiteServer

LOOPBACK = Path(__file__).with_name("data") / "loopback.toml"


@pytest.fixture
def site():
    with SiteServer(DEMO_SITE) as server:
        yield server


def registry_for(server: SiteServer, tmp_path: Path, allow_private: bool = True) -> Path:
    text = (DEMO_SITE / "sources.toml").read_text(encoding="utf-8").replace("__BASE_URL__", server.base_url)
    if not allow_private:
        text = text.replace("allow_private_network = true", "allow_private_network = false")
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(
            "SELECT outcome, sum(count) FROM crawl_run_counts WHERE run_id = "
            "(SELECT max(run_id) FROM crawl_runs) GROUP BY outcome"
        ).fetchall()
    return {outcome: int(n) for outcome, n in rows}


def test_crawl_stores_every_article_once_and_is_incremental(site, tmp_path, veille):
    db = tmp_path / "data" / "veille.duckdb"
    sources = registry_for(site, tmp_path)
    first = veille("--config", str(LOOPBACK), "--db", str(db), "crawl", "--sources", str(sources), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    article_files = list(DEMO_SITE.glob("*/2026/11/*.html"))
    with duckdb.connect(str(db), read_only=True) as connection:
        stored = connection.execute("SELECT count(*), count(DISTINCT url) FROM pages").fetchone()
        charsets = dict(connection.execute(
            "SELECT split_part(url, '/', -1), charset FROM pages WHERE charset <> 'utf-8'").fetchall())
        run = connection.execute("SELECT status, pages_stored FROM crawl_runs").fetchone()
        headers = json.loads(connection.execute("SELECT headers FROM pages LIMIT 1").fetchone()[0])
    assert stored == (len(article_files), len(article_files))
    assert charsets == {"shengteng-kaiyuan-shipei.html": "gb18030"}
    assert run == ("finished", len(article_files))
    assert "Content-Type" in headers
    assert counts(db)["fetched"] == len(article_files)

    second = veille("--config", str(LOOPBACK), "--db", str(db), "crawl", "--sources", str(sources), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    again = counts(db)
    assert again.get("fetched", 0) == 0
    assert again["not_modified"] >= 6  # every feed and sitemap answered 304
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM pages").fetchone()[0] == len(article_files)


def test_internal_addresses_are_refused_unless_the_source_allows_them(site, tmp_path, veille):
    db = tmp_path / "data" / "veille.duckdb"
    sources = registry_for(site, tmp_path, allow_private=False)
    result = veille("--config", str(LOOPBACK), "--db", str(db), "crawl", "--sources", str(sources), "--source", "demo-en", cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # its only source got nothing
    assert "(every source failed): private_address_refused 4" in result.stdout
    assert counts(db) == {"private_address_refused": 4}  # 2 feeds, a sitemap, a listing
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM pages").fetchone()[0] == 0


def test_max_pages_and_unknown_source(site, tmp_path, veille):
    db = tmp_path / "data" / "veille.duckdb"
    sources = registry_for(site, tmp_path)
    limited = veille("--config", str(LOOPBACK), "--db", str(db), "crawl", "--sources", str(sources), "--max-pages", "5", cwd=tmp_path)
    assert limited.returncode == 0, limited.stderr
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM pages").fetchone()[0] == 5
    unknown = veille("--config", str(LOOPBACK), "--db", str(db), "crawl", "--sources", str(sources), "--source", "nope", cwd=tmp_path)
    assert unknown.returncode == 1 and "no source named nope" in unknown.stderr
