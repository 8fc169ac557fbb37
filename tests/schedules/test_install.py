"""``veille schedule cron`` and ``systemd``: what they print runs as cron and systemd run it."""

from __future__ import annotations

import getpass
import re
import shutil
import subprocess

import duckdb
import pytest

from core.logfile import rotate

_VARIABLE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def parse_crontab(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """The variables and the command of each job, as cron reads them."""
    variables: dict[str, str] = {}
    jobs: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if match := _VARIABLE.match(line):
            variables[match.group(1)] = match.group(2)
            continue
        command = line.split(None, 5)[5]
        jobs[command.split()[-1]] = command
    return variables, jobs


def run_as_cron(command: str, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The job's command line with only the crontab's variables: ``env -i``, as cron runs it."""
    assignments = [f"{name}={value}" for name, value in variables.items() if name != "CRON_TZ"]
    return subprocess.run(["env", "-i", *assignments, "/bin/sh", "-c", command], capture_output=True, text=True,
                          timeout=300, cwd="/")


def test_the_readme_setup_writes_no_configuration_and_its_job_runs_in_a_bare_environment(tmp_path, veille):
    cron = veille("schedule", "cron", cwd=tmp_path, check=True).stdout  # no veille.toml, default warehouse
    variables, jobs = parse_crontab(cron)
    assert "VEILLE_CONFIG" not in variables and "VEILLE_CONFIG" not in cron
    assert variables["VEILLE_DB"] == str(tmp_path / "data" / "veille.duckdb")
    assert set(jobs) == {"nightly", "weekly"}
    ran = run_as_cron(jobs["weekly"], variables)
    assert ran.returncode == 1 and ran.stdout == ran.stderr == ""  # everything went to the log file
    log = (tmp_path / "data" / "weekly.log").read_text()
    assert "no such configuration file" not in log and "Traceback" not in log
    assert log.splitlines()[0].startswith("---- ") and log.splitlines()[0].endswith(")")
    assert "veille: error: no recipients: set [digest] recipients in veille.toml" in log


def test_the_weekly_job_sends_the_digest_when_cron_runs_it(tmp_path, veille, inbox, write_config):
    server, port = inbox
    config = write_config("weekly.toml", port=port, weekly_cron="0 7 * * 1")
    cron = veille("--config", config.name, "schedule", "cron", cwd=tmp_path, check=True).stdout
    variables, jobs = parse_crontab(cron)
    assert variables["VEILLE_CONFIG"] == str(config)
    ran = run_as_cron(jobs["weekly"], variables)
    assert ran.returncode == 0, (tmp_path / "data" / "weekly.log").read_text()
    assert len(server.messages) == 1
    log = (tmp_path / "data" / "weekly.log").read_text()
    assert re.search(r"weekly: done in \d+ s: 1 digest sent \(\d{4}-W\d\d\)", log)
    with duckdb.connect(str(tmp_path / "data" / "veille.duckdb"), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM digests").fetchone()[0] == 1


def test_times_are_read_in_the_configured_zone_and_the_output_says_which(tmp_path, veille, write_config,
                                                                         unused_port):
    config = write_config("weekly.toml", port=unused_port, weekly_cron="0 7 * * 1")
    with config.open("a") as file:
        file.write('timezone = "Asia/Shanghai"\n')
    utc_host = {"TZ": "UTC"}
    cron = veille("--config", str(config), "schedule", "cron", cwd=tmp_path, env=utc_host, check=True).stdout
    assert "# Times are in Asia/Shanghai ([schedule] timezone); the host's zone is UTC." in cron
    assert parse_crontab(cron)[0]["CRON_TZ"] == "Asia/Shanghai"
    units = veille("--config", str(config), "schedule", "systemd", cwd=tmp_path, env=utc_host, check=True).stdout
    assert "OnCalendar=Mon *-*-* 07:00:00 Asia/Shanghai" in units
    assert "# Calendar times are in Asia/Shanghai" in units

    host_shanghai = veille("schedule", "cron", cwd=tmp_path, env={"TZ": "Asia/Shanghai"}, check=True).stdout
    assert "# Times are in Asia/Shanghai, the host's time zone" in host_shanghai and "CRON_TZ" not in host_shanghai


def test_systemd_units_run_as_this_user_hardened_and_verify(tmp_path, veille):
    units = veille("--db", str(tmp_path / "data" / "veille.duckdb"), "schedule", "systemd", cwd=tmp_path,
                   check=True).stdout
    assert units.count(f"User={getpass.getuser()}\n") == 2
    for option in ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=read-only", "PrivateTmp=yes"):
        assert units.count(option) == 2
    assert units.count(f'ReadWritePaths="-{tmp_path / "data"}"') == 2
    assert "SyslogIdentifier=veille-weekly" in units and ".log" not in units  # the journal keeps the output
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed: the units' syntax was not verified")
    files = []
    for name, body in re.findall(r"# ---- /etc/systemd/system/(\S+)\n(.*?)(?=\n# ----|\n# Then)", units, re.S):
        (tmp_path / name).write_text(body)
        files.append(str(tmp_path / name))
    verified = subprocess.run(["systemd-analyze", "verify", "--man=no", *files], capture_output=True, text=True)
    assert verified.returncode == 0 and str(tmp_path) not in verified.stderr, verified.stderr


def test_a_log_file_past_its_size_is_rotated_when_a_job_starts(tmp_path, veille):
    log = tmp_path / "data" / "nightly.log"
    log.parent.mkdir()
    log.write_bytes(b"x" * 5_000_001)
    (tmp_path / "data" / "nightly.log.1").write_text("older\n")
    result = veille("--db", str(tmp_path / "data" / "v.duckdb"), "--log-file", str(log), "init", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == ""
    assert (tmp_path / "data" / "nightly.log.1").stat().st_size == 5_000_001
    assert (tmp_path / "data" / "nightly.log.2").read_text() == "older\n"
    assert "warehouse " in log.read_text() and log.stat().st_size < 1000


def test_a_log_file_that_cannot_be_written_is_one_line(tmp_path, veille):
    (tmp_path / "data").write_text("a file where a folder should be")
    result = veille("--log-file", str(tmp_path / "data" / "nightly.log"), "init", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"veille: error: cannot write the log file {tmp_path / 'data' / 'nightly.log'}: ")
    assert len(result.stderr.splitlines()) == 1


def test_rotation_keeps_a_bounded_number_of_files(tmp_path):
    log = tmp_path / "job.log"
    for round_ in range(6):
        log.write_text(f"round {round_}\n")
        assert rotate(log, max_bytes=1, backups=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.log.1", "job.log.2", "job.log.3"]
    assert (tmp_path / "job.log.1").read_text() == "round 5\n"
    assert not rotate(tmp_path / "absent.log", max_bytes=1)
