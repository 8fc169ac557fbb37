"""The whole pipeline, offline, on the bundled demo site: `veille demo`, twice."""

import email
from email import policy
from pathlib import Path

import duckdb
import pytest

from bench.stances_demo_agreement import agreement


def scalar(db: Path, sql: str):
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchone()[0]


@pytest.mark.slow
def test_demo_end_to_end_and_idempotent(tmp_path, veille):
    out = tmp_path / "demo"
    first = veille("demo", "--out", str(out), cwd=tmp_path, timeout=600)
    assert first.returncode == 0, first.stderr
    db = out / "veille.duckdb"
    assert "Traceback" not in first.stderr

    languages = {row for row in duckdb.connect(str(db), read_only=True).execute(
        "SELECT DISTINCT language FROM articles WHERE relevant").fetchall()}
    assert {("en",), ("fr",), ("zh",)} <= languages
    assert scalar(db, "SELECT count(DISTINCT entity_id) FROM mentions") >= 10
    assert scalar(db, "SELECT count(DISTINCT cluster_id) FROM article_stances") >= 3
    assert scalar(db, "SELECT count(*) FROM articles WHERE NOT relevant") == 7  # the 7 off-topic pages
    top, _, on_topic = agreement(db)
    assert on_topic == 37 and top / on_topic >= 0.8  # the strongest stance is the one the article was written with
    kimi = "SELECT count(DISTINCT story_id) FROM articles WHERE url LIKE '%/kimi-k3-%'"
    assert scalar(db, kimi) == 1  # the English, French and Chinese versions are one story
    emergent_share = ("SELECT max(n) / sum(n) FROM (SELECT c.kind = 'emergent' AS emergent, count(*) AS n "
                      "FROM passage_stances s JOIN stance_clusters c USING (cluster_id) GROUP BY c.cluster_id, c.kind)")
    assert scalar(db, emergent_share) <= 0.25

    stances = "SELECT list((article_id, cluster_id, score) ORDER BY article_id, cluster_id) FROM article_stances"
    before_stances = scalar(db, stances)
    again = veille("--db", str(db), "cluster", cwd=tmp_path, timeout=300)
    assert again.returncode == 0 and "0 new passages" in again.stdout, again.stderr
    assert scalar(db, stances) == before_stances  # nothing new: nothing moves

    english_kimi = scalar(db, "SELECT url FROM articles WHERE url LIKE '%/en/%kimi-k3-%'")
    explained = veille("--db", str(db), "explain", english_kimi, cwd=tmp_path, timeout=300)
    assert explained.returncode == 0, explained.stderr
    for expected in ("Relevance: relevant", "against the threshold", "Moonshot", "Stances", "closest stances",
                     "Story ", "3 articles"):
        assert expected in explained.stdout, (expected, explained.stdout)
    missing = veille("--db", str(db), "explain", "https://nowhere.invalid/x", cwd=tmp_path, timeout=300)
    assert missing.returncode != 0 and "no article" in missing.stderr and "Traceback" not in missing.stderr
    gbk = scalar(db, "SELECT a.text FROM articles a JOIN pages p ON p.page_id = a.article_id "
                     "WHERE p.charset = 'gb18030'")
    assert "昇腾" in gbk and "\ufffd" not in gbk

    eml = next((out / "digest").glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    kinds = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html"} <= kinds
    assert "veille" in first.stdout and "stance clusters" in first.stdout
    assert first.stdout.splitlines()[-1].startswith(f"web app: veille --db {db} serve")

    counts = "SELECT (SELECT count(*) FROM pages), (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions)"
    with duckdb.connect(str(db), read_only=True) as connection:
        before = connection.execute(counts).fetchone()
    second = veille("demo", "--out", str(out), cwd=tmp_path, timeout=600)
    assert second.returncode == 0, second.stderr
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute(counts).fetchone() == before
    assert "skipped_known" in second.stdout and "process: 0 pages" in second.stdout
