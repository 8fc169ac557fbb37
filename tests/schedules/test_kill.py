"""A nightly job killed with SIGKILL in the middle of processing, then run again."""

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from veille.demo_server import DEMO_SITE, SiteServer

BATCH = 4  # [process] batch_size in data/nightly.toml


def scalar(db, sql: str):
    """One value read from the warehouse, waiting while a writer holds the file."""
    deadline = time.monotonic() + 30
    while True:
        try:
            with duckdb.connect(str(db), read_only=True) as connection:
                return connection.execute(sql).fetchone()[0]
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def snapshot(db) -> dict[str, int]:
    return {
        "pages": scalar(db, "SELECT count(*) FROM pages"),
        "outcomes": scalar(db, "SELECT count(*) FROM page_outcomes"),
        "articles": scalar(db, "SELECT count(*) FROM articles"),
        "urls": scalar(db, "SELECT count(DISTINCT url) FROM articles"),
        "mentions": scalar(db, "SELECT count(*) FROM mentions"),
        "distinct_mentions": scalar(db, "SELECT count(*) FROM (SELECT DISTINCT article_id, entity_id, start_char,"
                                        " end_char FROM mentions)"),
        "passages": scalar(db, "SELECT count(*) FROM passages"),
        # outputs whose article is missing, and articles whose page has no recorded outcome
        "orphans": scalar(db, "SELECT (SELECT count(*) FROM mentions WHERE article_id NOT IN (FROM articles"
                              " SELECT article_id)) + (SELECT count(*) FROM passages WHERE article_id NOT IN"
                              " (FROM articles SELECT article_id)) + (SELECT count(*) FROM articles WHERE"
                              " article_id NOT IN (FROM page_outcomes SELECT page_id WHERE outcome = 'article'))"),
    }


@pytest.mark.slow
def test_a_killed_nightly_leaves_the_warehouse_consistent_and_the_next_run_finishes(tmp_path, veille,
                                                                                      write_config):
    db = tmp_path / "data" / "veille.duckdb"
    with SiteServer(DEMO_SITE) as site:
        sources = tmp_path / "sources.toml"
        sources.write_text((DEMO_SITE / "sources.toml").read_text(encoding="utf-8")
                           .replace("__BASE_URL__", site.base_url), encoding="utf-8")
        config = write_config("nightly.toml", sources=sources)
        command = [sys.executable, "-m", "veille.cli", "--config", str(config), "--db", str(db), "nightly"]
        with open(tmp_path / "killed.log", "w") as log:
            # its own session, so the kill reaches the whole process group, as systemd's would
            job = subprocess.Popen(command, cwd=tmp_path, stdout=log, stderr=log, start_new_session=True,
                                   env={**os.environ, "HF_HUB_OFFLINE": "1"})
            try:
                deadline = time.monotonic() + 240
                while not (db.exists() and scalar(db, "SELECT count(*) FROM page_outcomes") >= 2 * BATCH):
                    assert job.poll() is None, (tmp_path / "killed.log").read_text()
                    assert time.monotonic() < deadline, "processing did not start"
                    time.sleep(0.2)
            finally:
                os.killpg(job.pid, signal.SIGKILL)
                job.wait()
        assert job.returncode == -signal.SIGKILL

        killed = snapshot(db)
        assert BATCH * 2 <= killed["outcomes"] < killed["pages"]
        assert killed["outcomes"] % BATCH == 0  # whole batches only
        assert killed["orphans"] == 0

        resumed = veille("--config", str(config), "--db", str(db), "nightly", cwd=tmp_path, timeout=400)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.splitlines()[-1].startswith("nightly: done in ")
    after = snapshot(db)
    assert after["pages"] == killed["pages"] and after["outcomes"] == after["pages"]
    assert after["articles"] == after["urls"] and after["mentions"] == after["distinct_mentions"]
    assert after["orphans"] == 0 and after["articles"] > killed["articles"]

    # The resumed warehouse holds exactly what processing every page in one go gives.
    redone = veille("--config", str(config), "--db", str(db), "process", "--reprocess", cwd=tmp_path, timeout=400)
    assert redone.returncode == 0, redone.stderr
    assert snapshot(db) == after
