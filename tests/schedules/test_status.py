"""Jobs that fail say so with their exit status, and ``veille status`` shows every run."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.schedules.test_jobs import hold

GHOST = Path(__file__).with_name("data") / "ghost-sources.toml"


def test_runs_are_recorded_with_outcome_and_duration_and_a_nightly_whose_sources_all_fail_exits_1(
        tmp_path, veille, write_config, inbox):
    server, port = inbox
    config = write_config("weekly.toml", port=port, weekly_cron="0 7 * * 1")
    config.write_text(f'[crawl]\nsources = "{GHOST}"\nretry_times = 0\n' + config.read_text())
    db = tmp_path / "data" / "veille.duckdb"
    base = ("--config", str(config), "--db", str(db))

    weekly = veille(*base, "weekly", cwd=tmp_path)
    assert weekly.returncode == 0, weekly.stderr

    holder, _ = hold(tmp_path)
    try:
        locked = veille(*base, "nightly", cwd=tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert locked.returncode == 1 and "not starting veille nightly" in locked.stderr

    nightly = veille(*base, "nightly", cwd=tmp_path)
    assert nightly.returncode == 1
    assert "Traceback" not in nightly.stderr
    assert nightly.stdout.splitlines()[0].endswith("(every source failed): dns_error 1")
    assert re.search(r"^veille: error: nightly: failed in \d+ s: every source failed to crawl", nightly.stderr, re.M)
    assert nightly.stderr.count("veille: error:") == 1

    text = veille(*base, "status", cwd=tmp_path, check=True).stdout
    runs = re.findall(r"^  (nightly|weekly) +\d{4}-\d\d-\d\d \d\d:\d\d UTC  (\w+) +(\d+) s  (.*)$", text, re.M)
    assert [(job, outcome) for job, outcome, _, _ in runs] == [("nightly", "failed"), ("nightly", "failed"),
                                                               ("weekly", "ok")]
    assert runs[0][3].startswith("nightly: failed in ")
    assert "test holder (pid" in runs[1][3] and "not starting veille nightly" in runs[1][3]
    assert re.fullmatch(r"weekly: done in \d+ s: 1 digest sent \(\d{4}-W\d\d\)", runs[2][3])
    assert re.search(r"^  ghost +FAILING 1 run in a row, last success never$", text, re.M)
    assert re.search(r"^  last digest: \d{4}-W\d\d, sent ", text, re.M)

    check = veille(*base, "status", "--check", cwd=tmp_path)
    assert check.returncode == 1 and check.stderr == "check: the last nightly run failed\n"

    report = json.loads(veille(*base, "status", "--format", "json", cwd=tmp_path, check=True).stdout)
    assert report["problems"] == ["the last nightly run failed"]
    assert [run["outcome"] for run in report["jobs"]] == ["failed", "failed", "ok"]
    assert all(run["seconds"] >= 0 for run in report["jobs"])
    assert report["sources"][0]["source"] == "ghost" and report["sources"][0]["consecutive_failures"] == 1
    assert report["warehouse"]["size_bytes"] > 0 and report["warehouse"]["last_digest_week"] == server.weeks[0]


def test_status_without_a_warehouse_says_how_to_make_one(tmp_path, veille):
    result = veille("--db", str(tmp_path / "absent.duckdb"), "status", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"veille: error: no warehouse at {tmp_path / 'absent.duckdb'}; run `veille init` first"
