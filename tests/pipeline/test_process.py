"""Versioned, resumable processing: new pages only, --reprocess, a SIGKILL mid-run, the worker pool."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from core.config import load_config
from pipeline.analyse import AnalyserSettings
from pipeline.steps import current_versions
from pipeline.process import process_stage
from warehouse.records import PageRecord
from warehouse.store import Store, page_id_for

DATA = Path(__file__).with_name("data") / "process"
DEMO = Path(__file__).resolve().parents[2] / "veille" / "demo_site"
FETCHED = datetime(2026, 11, 28, tzinfo=timezone.utc)


def demo_pages(copies: int = 1, start: int = 0) -> list[PageRecord]:
    """The demo site's articles as stored pages, each copy under its own URL."""
    files = sorted(DEMO.glob("*/2026/11/*.html"))
    pages = []
    for copy in range(start, start + copies):
        for path in files:
            url = f"http://demo.invalid/{path.relative_to(DEMO).as_posix()}?copy={copy}"
            body = path.read_bytes().replace(b"__BASE_URL__", b"http://demo.invalid")
            pages.append(PageRecord(page_id=page_id_for(url), url=url, final_url=url, source="demo", status=200,
                                    content_type="text/html", charset=None, headers={}, body=body,
                                    fetched_at=FETCHED, origin="crawl"))
    return pages


def rows(db: Path, sql: str):
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


CONSISTENCY = """
SELECT
  (SELECT count(*) FROM page_outcomes),
  (SELECT count(*) FROM page_outcomes WHERE outcome = 'article'),
  (SELECT count(*) FROM articles),
  (SELECT count(*) FROM articles a LEFT JOIN page_outcomes o ON o.page_id = a.article_id
     WHERE o.page_id IS NULL OR o.outcome <> 'article' OR o.nlp_version <> a.nlp_version),
  (SELECT count(*) FROM mentions m LEFT JOIN articles a USING (article_id) WHERE a.article_id IS NULL),
  (SELECT count(*) FROM (SELECT article_id, entity_id, start_char FROM mentions GROUP BY ALL HAVING count(*) > 1)),
  (SELECT count(*) FROM passages p LEFT JOIN articles a USING (article_id) WHERE a.article_id IS NULL)
"""


def consistency(db: Path) -> dict[str, int]:
    names = ("outcomes", "article_outcomes", "articles", "unmatched_articles", "orphan_mentions",
             "duplicate_mentions", "orphan_passages")
    return dict(zip(names, rows(db, CONSISTENCY)[0]))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "veille.duckdb"


@pytest.mark.slow
def test_only_new_or_out_of_date_pages_are_processed(db, monkeypatch):
    config = load_config(DATA / "small-batches.toml", db)
    store = Store(db)
    store.migrate()
    store.save_pages(demo_pages()[:6])
    assert process_stage(config).pages == 6
    assert process_stage(config).pages == 0  # nothing new
    store.save_pages(demo_pages(copies=1, start=1)[:3])
    assert process_stage(config).pages == 3  # only the new ones
    assert process_stage(config, reprocess=True).pages == 9  # everything again
    assert process_stage(config).pages == 0
    later = {**current_versions(AnalyserSettings.from_config(config)), "extract": "a later version"}
    monkeypatch.setattr("pipeline.process.current_versions", lambda settings: later)
    assert process_stage(config).pages == 9  # out of date
    assert {v for (v,) in rows(db, "SELECT DISTINCT nlp_version FROM articles")} == {"a later version"}
    checks = consistency(db)
    assert checks["outcomes"] == 9 and checks["articles"] == checks["article_outcomes"] > 0
    assert checks["unmatched_articles"] == checks["duplicate_mentions"] == 0


@pytest.mark.slow
def test_reprocess_on_the_command_line_redoes_everything(db, tmp_path, veille):
    store = Store(db)
    store.migrate()
    store.save_pages(demo_pages()[:5])
    args = ("--db", str(db), "--config", str(DATA / "small-batches.toml"), "process")
    first = veille(*args, cwd=tmp_path, check=True)
    assert "process: 5 pages" in first.stdout
    again = veille(*args, cwd=tmp_path, check=True)
    assert "process: 0 pages" in again.stdout
    redo = veille(*args, "--reprocess", cwd=tmp_path, check=True)
    assert "process: 5 pages" in redo.stdout
    assert consistency(db)["outcomes"] == 5


@pytest.mark.slow
def test_a_run_killed_mid_batch_leaves_no_half_article_and_the_next_run_completes(db, tmp_path):
    store = Store(db)
    store.migrate()
    pages = demo_pages(copies=2)  # 88 pages, 22 batches of 4
    store.save_pages(pages)
    version = current_versions(AnalyserSettings.from_config(load_config(DATA / "small-batches.toml", db)))["extract"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("VEILLE_DB", None)
    command = [sys.executable, "-m", "veille.cli", "--db", str(db), "--config", str(DATA / "small-batches.toml"),
               "process"]
    child = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240
        while store.count_pages_to_process(version) > len(pages) - 8:  # two batches written
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the process stage wrote nothing in time"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    left = store.count_pages_to_process(version)
    assert 0 < left < len(pages), "the kill did not land mid-run"
    after_kill = consistency(db)
    assert after_kill["outcomes"] == len(pages) - left
    assert after_kill["articles"] == after_kill["article_outcomes"]
    assert after_kill["unmatched_articles"] == after_kill["orphan_mentions"] == after_kill["orphan_passages"] == 0

    resumed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"process: {left} pages" in resumed.stdout  # only what the killed run left
    final = consistency(db)
    assert final["outcomes"] == len(pages)
    assert final["articles"] == final["article_outcomes"] == len(pages)
    assert final["unmatched_articles"] == final["orphan_mentions"] == final["orphan_passages"] == 0
    assert final["duplicate_mentions"] == 0
    assert store.count_pages_to_process(version) == 0


def _children_cpu() -> dict[int, float]:
    """CPU seconds used so far by each child process of this one (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for listing in Path("/proc/self/task").glob("*/children"):
        for pid in listing.read_text().split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, IndexError):
                continue
            found[int(pid)] = (int(fields[11]) + int(fields[12])) / ticks
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads per-process CPU time from Linux /proc")
def test_the_pool_uses_two_worker_processes_at_once(db):
    config = load_config(DATA / "two-workers.toml", db)
    store = Store(db)
    store.migrate()
    store.save_pages(demo_pages(copies=2))  # 88 pages: 11 batches, the pool path
    samples: list[dict[int, float]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(_children_cpu())
            time.sleep(0.25)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        summary = process_stage(config)
    finally:
        done.set()
        sampler.join()
    assert summary.pages == 88 and summary.articles == 88
    totals: dict[int, float] = {}
    for sample_ in samples:
        totals.update(sample_)
    busy = [pid for pid, cpu in totals.items() if cpu > 2.0]
    assert len(busy) >= 2, f"worker CPU seconds: {totals}"
    # Both workers were computing during the same stretch of time, i.e. on two cores.
    both = sum(
        all(later.get(pid, 0) - earlier.get(pid, 0) > 0 for pid in busy[:2])
        for earlier, later in zip(samples, samples[4:])
    )
    assert both >= 3, "the two workers never ran at the same time"


@pytest.mark.parametrize("config_file", ["missing-model.toml", "missing-model-pool.toml"])
def test_a_missing_model_is_found_before_the_first_page(db, tmp_path, veille, config_file):
    """Pages that need no model (HTTP errors) would be worked on and recorded if the model were
    looked for only when a page needs it: it is looked for first, on both paths."""
    store = Store(db)
    store.migrate()
    store.save_pages([replace(page, status=404) for page in demo_pages(copies=2)])  # more than two batches of 8
    result = veille("--db", str(db), "--config", str(DATA / config_file), "process", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "veille: error: the spaCy pipeline 'no_such_spacy_pipeline' is not installed: "
        "pip install no-such-spacy-pipeline"
    ]
    assert consistency(db)["outcomes"] == 0


@pytest.mark.parametrize("config_file", [
    "missing-model.toml",
    pytest.param("missing-model-pool.toml", marks=pytest.mark.slow),
])
def test_a_missing_model_stops_the_run_with_one_line_and_records_nothing(db, tmp_path, veille, config_file):
    """No page is to blame for a missing model: none is marked as failed, and the next run redoes them all."""
    store = Store(db)
    store.migrate()
    store.save_pages(demo_pages(copies=1 if config_file == "missing-model.toml" else 2))
    result = veille("--db", str(db), "--config", str(DATA / config_file), "process", cwd=tmp_path)
    assert result.returncode != 0
    assert "no_such_spacy_pipeline" in result.stderr and "pip install" in result.stderr
    assert "Traceback" not in result.stderr
    assert consistency(db)["outcomes"] == 0


def _pool_workers(parent: int) -> list[int]:
    """The process-pool workers among a process's children (Linux /proc)."""
    workers = []
    for listing in Path(f"/proc/{parent}/task").glob("*/children"):
        for pid in listing.read_text().split():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except FileNotFoundError:
                continue
            if b"spawn_main" in command and b"resource_tracker" not in command:
                workers.append(int(pid))
    return workers


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the pool's workers in Linux /proc")
def test_a_worker_killed_mid_run_stops_the_run_cleanly_and_the_next_run_completes(db, tmp_path, veille):
    store = Store(db)
    store.migrate()
    pages = demo_pages(copies=2)  # 88 pages: 11 batches of 8, the pool path
    store.save_pages(pages)
    version = current_versions(AnalyserSettings.from_config(load_config(DATA / "small-batches.toml", db)))["extract"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("VEILLE_DB", None)
    command = [sys.executable, "-m", "veille.cli", "--db", str(db), "--config", str(DATA / "two-workers.toml"),
               "process"]
    child = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
    try:
        deadline = time.monotonic() + 240
        while store.count_pages_to_process(version) == len(pages):  # until a batch is written
            assert child.poll() is None, child.stderr.read()
            assert time.monotonic() < deadline, "the process stage wrote nothing in time"
            time.sleep(0.05)
        os.kill(_pool_workers(child.pid)[0], signal.SIGKILL)
        _, stderr = child.communicate(timeout=300)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 1
    assert "a worker process died" in stderr and "Traceback" not in stderr
    left = store.count_pages_to_process(version)
    assert 0 < left < len(pages)
    checks = consistency(db)
    assert checks["articles"] == checks["article_outcomes"] == len(pages) - left
    assert checks["unmatched_articles"] == checks["orphan_mentions"] == checks["orphan_passages"] == 0

    resumed = veille("--db", str(db), "--config", str(DATA / "two-workers.toml"), "process", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"process: {left} pages" in resumed.stdout
    assert consistency(db)["articles"] == len(pages)
