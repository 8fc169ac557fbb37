"""Each run of a job recorded in the warehouse (``job_runs``), for ``veille status``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from core.config import Config
from core.errors import VeilleError
from schedules.alert import alert_if_failing
from warehouse.store import Store


class JobFailed(VeilleError):
    """The job ran to its end but did not do its work; the message is its closing line."""


@dataclass
class JobRun:
    store: Store
    run_id: str
    job: str
    started: float = field(default_factory=time.monotonic)
    summary: str = ""

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def holds_lock(self) -> None:
        """Called once the job lock is held: earlier runs still 'running' were killed."""
        self.store.mark_interrupted_job_runs(self.job, self.run_id)


@contextmanager
def recorded(config: Config, job: str) -> Iterator[JobRun]:
    """Record the run: ``ok`` with the run's ``summary``, ``failed`` with the error that ended it
    (a lock held by another job included), ``interrupted`` on Ctrl-C. A second failure in a row
    mails the digest's sender when ``[schedule] alert`` is on."""
    store = Store(config.db)
    store.migrate()
    run = JobRun(store, store.start_job_run(job), job)
    try:
        yield run
    except KeyboardInterrupt:
        store.finish_job_run(run.run_id, "interrupted", f"{job}: interrupted after {run.seconds:.0f} s")
        raise
    except Exception as error:
        store.finish_job_run(run.run_id, "failed", " ".join(str(error).split()) or type(error).__name__)
        alert_if_failing(config, store, job)
        raise
    store.finish_job_run(run.run_id, "ok", run.summary)
