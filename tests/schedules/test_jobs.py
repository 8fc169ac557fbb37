import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schedules.lock import JobLocked, job_lock

HOLD_LOCK = Path(__file__).with_name("hold_lock.py")


@pytest.fixture
def holder(tmp_path):
    data = tmp_path / "data"
    ready = tmp_path / "ready"
    process = subprocess.Popen([sys.executable, str(HOLD_LOCK), str(data), str(ready)])
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    yield process, data
    if process.poll() is None:
        process.kill()
    process.wait()


@pytest.mark.parametrize("job", ["nightly", "weekly"])
def test_a_second_job_exits_at_once_with_a_clear_message(job, holder, tmp_path, veille, write_config, unused_port):
    _, data = holder
    config = write_config("weekly.toml", port=unused_port, weekly_cron="0 7 * * 1")
    started = time.monotonic()
    result = veille("--config", str(config), "--db", str(data / "veille.duckdb"), job, cwd=tmp_path)
    assert result.returncode == 1
    assert "test holder (pid" in result.stderr and f"not starting veille {job}" in result.stderr
    assert time.monotonic() - started < 20


def test_a_lock_left_by_a_killed_process_is_taken_over(holder):
    process, data = holder
    with pytest.raises(JobLocked):
        with job_lock(data, "second"):
            pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    with job_lock(data, "after the kill"):
        assert "after the kill" in (data / "veille.lock").read_text()


def test_cron_and_systemd_use_this_installation_paths(tmp_path, veille):
    db = tmp_path / "data" / "veille.duckdb"
    cron = veille("--db", str(db), "schedule", "cron", cwd=tmp_path, check=True).stdout
    lines = [line for line in cron.splitlines() if line and not line.startswith("#")]
    assert f"VEILLE_DB={db}" in lines
    jobs = [line for line in lines if " nightly " in line or " weekly " in line]
    assert len(jobs) == 2
    for line in jobs:
        fields = line.split()
        assert len(fields[:5]) == 5 and f"cd {tmp_path}" in line
        executable = line.split("&& ")[1].split()[0]
        assert Path(executable).is_absolute() and Path(executable).exists()
    units = veille("--db", str(db), "schedule", "systemd", cwd=tmp_path, check=True).stdout
    for unit in ("veille-nightly.service", "veille-nightly.timer", "veille-weekly.service", "veille-weekly.timer"):
        assert f"/etc/systemd/system/{unit}" in units
    assert f"WorkingDirectory={tmp_path}" in units and "OnCalendar=" in units and "$" not in units


def test_weekly_without_recipients_is_a_clear_error(tmp_path, veille):
    result = veille("--db", str(tmp_path / "v.duckdb"), "weekly", cwd=tmp_path)
    assert result.returncode == 1 and "no recipients" in result.stderr
