"""Running the jobs in the foreground on their cron expressions (for containers).

Each job runs as a child ``veille`` process: Scrapy's reactor cannot start
twice in one process, and a crash in one job must not stop the schedule.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from datetime import datetime, timezone

from croniter import croniter

from schedules.install import jobs
from veille.config import Config

log = logging.getLogger("veille.schedule")


def _command(config: Config, job: str) -> list[str]:
    command = [sys.executable, "-m", "veille.cli", "--db", str(config.db)]
    if config.config_file:
        command += ["--config", str(config.config_file)]
    return command + [job]


def run_forever(config: Config, *, max_runs: int | None = None) -> None:
    """Sleep until the next job is due, run it, log its outcome; forever (or ``max_runs`` runs)."""
    now = datetime.now(timezone.utc)
    schedules = {name: croniter(spec["cron"], now) for name, spec in jobs().items()}
    due = {name: schedule.get_next(datetime) for name, schedule in schedules.items()}
    runs = 0
    while max_runs is None or runs < max_runs:
        job = min(due, key=due.get)
        wait = (due[job] - datetime.now(timezone.utc)).total_seconds()
        log.info("next: %s at %s", job, due[job].isoformat())
        if wait > 0:
            time.sleep(wait)
        started = time.monotonic()
        completed = subprocess.run(_command(config, job), capture_output=True, text=True)
        for line in (completed.stdout + completed.stderr).splitlines():
            log.info("%s: %s", job, line)
        log.info("%s: exit %d after %.0f s", job, completed.returncode, time.monotonic() - started)
        due[job] = schedules[job].get_next(datetime)
        runs += 1
