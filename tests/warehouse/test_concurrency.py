"""A reader and a writer in two real processes: the reader waits its turn instead of failing."""

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from warehouse import db as db_module
from warehouse.db import read_connection
from warehouse.store import Store

BUSY_WRITER = Path(__file__).with_name("busy_writer.py")


def test_query_answers_while_a_writer_is_busy(tmp_path, veille):
    db = tmp_path / "data" / "veille.duckdb"
    veille("--db", str(db), "init", cwd=tmp_path, check=True)
    ready = tmp_path / "ready"
    writer = subprocess.Popen([sys.executable, str(BUSY_WRITER), str(db), "20", str(ready)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert writer.poll() is None, writer.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        answers = []
        for _ in range(3):
            started = time.monotonic()
            result = veille("--db", str(db), "query", "SELECT count(*) AS n FROM pages", "--format", "csv",
                            cwd=tmp_path)
            assert result.returncode == 0, result.stderr
            answers.append((int(result.stdout.splitlines()[1]), time.monotonic() - started))
        assert writer.poll() is None, "the writer should still be running while we read"
    finally:
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    batches = int(out.strip())
    assert batches >= 3
    counts = [n for n, _ in answers]
    assert counts == sorted(counts) and counts[0] > 0
    assert all(seconds < 10 for _, seconds in answers), answers



def test_calls_inside_held_share_one_open_and_the_file_is_free_after(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "held.duckdb"
    opens = []
    real = duckdb.connect

    def counted(*args, **kwargs):  # the real connect, counted
        opens.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(db_module.duckdb, "connect", counted)
    store = Store(path)

    def jobs() -> list[tuple[str, str]]:
        return [(row["job"], row["outcome"]) for row in store.fetch("status_jobs", {"runs": 5})]

    with store.held():
        store.migrate()
        store.finish_job_run(store.start_job_run("nightly"), "ok", "done")
        with pytest.raises(RuntimeError), store._write() as connection:  # a failing write rolls back alone
            connection.execute("DELETE FROM job_runs")
            raise RuntimeError("stop")
        assert jobs() == [("nightly", "ok")]
    assert len(opens) == 1
    with read_connection(path) as connection:  # released: another connection may open the file
        assert connection.execute("SELECT count(*) FROM job_runs").fetchone() == (1,)
    store.start_job_run("weekly")
    assert len(jobs()) == 2 and len(opens) == 4  # outside the block, each call opens the file again
