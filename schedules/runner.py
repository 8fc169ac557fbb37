"""Running the jobs in the foreground on their cron expressions (for containers).

Each job runs as a child ``veille`` process: Scrapy's reactor cannot start
twice in one process, and a crash in one job must not stop the schedule. The
child's output is logged line by line as it comes, then one line with its exit
status and duration.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from datetime import datetime

from croniter import croniter

from core.config import Config

log = logging.getLogger("veille.schedule")


def _command(config: Config, job: str) -> list[str]:
    command = [sys.executable, "-m", "veille.cli", "--db", str(config.db)]
    if config.config_file:
        command += ["--config", str(config.config_file)]
    return command + [job]


def _next(expression: str, after: datetime) -> datetime:
    return croniter(expression, after).get_next(datetime)


def run_job(config: Config, job: str) -> int:
    """Run ``veille JOB`` in a child process, logging its output; returns its exit status."""
    started = time.monotonic()
    log.info("%s: starting", job)
    with subprocess.Popen(_command(config, job), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          stdin=subprocess.DEVNULL) as child:
        assert child.stdout is not None
        for line in child.stdout:
            log.info("%s: %s", job, line.rstrip())
    log.info("%s: exit %d after %.1f s", job, child.returncode, time.monotonic() - started)
    return child.returncode


def run_forever(config: Config, *, max_runs: int | None = None) -> int:
    """Sleep until the next job is due, run it; forever, or until ``max_runs`` runs. Returns the runs made.

    Cron expressions are read in ``[schedule] timezone``. A job's next time is
    counted from when its run ends, so a run that outlasts its period is
    followed by one run, not by every occurrence it missed.
    """
    jobs = config.schedule.jobs
    zone = config.schedule.zone
    now = datetime.now(zone)
    due = {job: _next(expression, now) for job, expression in jobs.items()}
    for job, when in sorted(due.items(), key=lambda item: item[1]):
        log.info("%s: scheduled %r in %s, next at %s", job, jobs[job], config.schedule.zone_name,
                 when.isoformat(timespec="seconds"))
    runs = 0
    while max_runs is None or runs < max_runs:
        job = min(due, key=lambda name: due[name])
        wait = (due[job] - datetime.now(zone)).total_seconds()
        if wait > 0:
            time.sleep(wait)
        run_job(config, job)
        runs += 1
        due[job] = _next(jobs[job], datetime.now(zone))
        log.info("%s: next at %s", job, due[job].isoformat(timespec="seconds"))
    return runs
