import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schedules.lock import JobLocked, job_lock

HOLD_LOCK = Path(__file__).with_name("hold_lock.py")


def hold(tmp_path, *seconds: str) -> tuple[subprocess.Popen, Path]:
    """A process holding the job lock (until killed, or for ``seconds``), once it holds it."""
    data = tmp_path / "data"
    ready = tmp_path / "ready"
    process = subprocess.Popen([sys.executable, str(HOLD_LOCK), str(data), str(ready), *seconds])
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    return process, data


@pytest.fixture
def holder(tmp_path):
    process, data = hold(tmp_path)
    yield process, data
    if process.poll() is None:
        process.kill()
    process.wait()


def weekly_config(write_config, port: int, wait: float) -> Path:
    config = write_config("weekly.toml", port=port, weekly_cron="0 7 * * 1")
    with config.open("a") as file:
        file.write(f"weekly_wait = {wait}\n")
    return config


def test_a_second_nightly_exits_at_once_with_a_clear_message(holder, tmp_path, veille, write_config, unused_port):
    _, data = holder
    config = write_config("weekly.toml", port=unused_port, weekly_cron="0 7 * * 1")
    started = time.monotonic()
    result = veille("--config", str(config), "--db", str(data / "veille.duckdb"), "nightly", cwd=tmp_path)
    assert result.returncode == 1
    assert "test holder (pid" in result.stderr and "is running (lock" in result.stderr
    assert "not starting veille nightly" in result.stderr
    assert time.monotonic() - started < 20


def test_the_weekly_job_gives_up_after_its_bounded_wait(holder, tmp_path, veille, write_config, unused_port):
    _, data = holder
    config = weekly_config(write_config, unused_port, wait=2)
    started = time.monotonic()
    result = veille("--config", str(config), "--db", str(data / "veille.duckdb"), "weekly", cwd=tmp_path)
    assert result.returncode == 1 and 2 <= time.monotonic() - started < 20
    assert "veille weekly: waiting up to 2 s for test holder (pid" in result.stderr
    assert "test holder (pid" in result.stderr and "is still running after 2 s of waiting" in result.stderr


def test_the_weekly_job_waits_for_a_running_nightly_and_still_sends_the_week(tmp_path, veille, write_config, inbox):
    server, port = inbox
    nightly, data = hold(tmp_path, "3")  # a nightly job still running at the weekly's time
    config = weekly_config(write_config, port, wait=120)
    started = time.monotonic()
    result = veille("--config", str(config), "--db", str(data / "veille.duckdb"), "weekly", cwd=tmp_path)
    nightly.wait()
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 2
    assert result.stdout.splitlines()[-1].endswith("1 digest sent (" + server.weeks[0] + ")")


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
    jobs = [line for line in lines if line.endswith((" nightly", " weekly"))]
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
