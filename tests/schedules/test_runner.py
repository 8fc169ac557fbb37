"""``veille schedule run``: jobs started on their cron expressions, each run logged."""

import re
from datetime import datetime, timezone

import duckdb
import pytest

from digest.weeks import last_complete_week


@pytest.mark.slow
def test_runs_the_weekly_job_on_its_cron_expression_and_logs_each_run(tmp_path, veille, inbox, write_config):
    server, port = inbox
    config = write_config("weekly.toml", port=port, weekly_cron="* * * * * */2")  # every 2 s (a seconds field)
    db = tmp_path / "data" / "veille.duckdb"
    result = veille("--config", str(config), "--db", str(db), "schedule", "run", "--max-runs", "2", cwd=tmp_path,
                    timeout=120, env={"TZ": "UTC"})  # the host's zone, since veille.toml names none
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "schedule: stopped after 2 job runs"
    log = result.stderr
    week = str(last_complete_week(datetime.now(timezone.utc)))
    assert "weekly: scheduled '* * * * * */2' in UTC, next at " in log
    assert "nightly: starting" not in log  # not due before 1 January
    assert len(re.findall(r"INFO veille\.schedule: weekly: starting", log)) == 2
    assert len(re.findall(r"weekly: exit 0 after \d+\.\d s", log)) == 2
    assert f"weekly: sent the digest of week {week} to 2 recipients" in log
    assert "weekly: weekly: done in" in log and "1 digest sent" in log and "nothing due" in log
    assert server.weeks == [week]
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT list(week) FROM digests").fetchone()[0] == [week]


@pytest.mark.slow
def test_a_failing_job_is_logged_and_the_schedule_goes_on(tmp_path, veille, write_config, unused_port):
    config = write_config("weekly.toml", port=unused_port, weekly_cron="* * * * * *")  # every second
    result = veille("--config", str(config), "--db", str(tmp_path / "v.duckdb"), "schedule", "run", "--max-runs", "2",
                    cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(re.findall(r"weekly: veille: error: SMTP server 127\.0\.0\.1:\d+ refused the connection", result.stderr)) == 2
    assert len(re.findall(r"weekly: exit 1 after", result.stderr)) == 2


def test_crontab_refuses_a_seconds_field(tmp_path, veille, write_config, unused_port):
    config = write_config("weekly.toml", port=unused_port, weekly_cron="* * * * * */2")
    result = veille("--config", str(config), "schedule", "cron", cwd=tmp_path)
    assert result.returncode == 1 and "weekly_cron '* * * * * */2' has a seconds field" in result.stderr


def test_a_bad_cron_expression_names_the_key(tmp_path, veille, write_config, unused_port):
    config = write_config("weekly.toml", port=unused_port, weekly_cron="every monday")
    result = veille("--config", str(config), "schedule", "run", cwd=tmp_path)
    assert result.returncode == 1
    assert "[schedule] weekly_cron: value error, 'every monday' is not a cron expression" in result.stderr
