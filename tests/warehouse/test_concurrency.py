"""A reader and a writer in two real processes: the reader waits its turn instead of failing."""

import subprocess
import sys
import time
from pathlib import Path

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
