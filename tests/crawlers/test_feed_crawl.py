"""A real crawl of feeds written as the world writes them, served on loopback."""

from __future__ import annotations

from pathlib import Path

import duckdb

SITE = Path(__file__).with_name("data") / "feeds" / "site"
LOOPBACK = Path(__file__).with_name("data") / "loopback.toml"


def test_an_undeclared_latin1_feed_and_google_alert_links_lead_to_their_articles(hostile_server_class, tmp_path,
                                                                                   cli):
    with hostile_server_class(SITE, SITE / "routes.toml") as site:
        sources = tmp_path / "sources.toml"
        sources.write_text((SITE / "sources.toml").read_text().replace("__BASE_URL__", site.base_url))
        db = tmp_path / "data" / "veille.duckdb"
        result = cli("--config", str(LOOPBACK), "--db", str(db), "crawl", "--sources", str(sources), cwd=tmp_path)
        paths = site.paths()
    assert result.returncode == 0, result.stderr
    assert "feed_fetched 2" in result.stdout and "fetched 3" in result.stdout
    assert sorted(p for p in paths if p.endswith(".html")) == ["/a.html", "/b.html", "/c.html"]
    with duckdb.connect(str(db), read_only=True) as connection:
        stored = dict(connection.execute("SELECT url, hint_title FROM pages").fetchall())
    assert stored == {
        f"{site.base_url}/a.html": "Le modèle ouvert fait école",
        f"{site.base_url}/b.html": "Poids ouverts : l'été indien",
        f"{site.base_url}/c.html": "Open weights again",
    }
