"""An exclusive job lock next to the warehouse.

It is an ``flock`` on a file: the kernel releases it when the holding process
dies, however it dies, so a lock left by a killed job is simply taken over by
the next one. The file records who holds it, for the message a second job
prints. A job may wait a bounded time for the holder to finish.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from core.errors import VeilleError

log = logging.getLogger("veille.lock")
POLL_SECONDS = 1.0


class JobLocked(VeilleError):
    """Another veille job holds the lock."""


def _holder(handle: IO[str]) -> str:
    handle.seek(0)
    return handle.read().strip() or "another veille job"


def _acquire(handle: IO[str], path: Path, job: str, wait: float) -> None:
    deadline = time.monotonic() + wait
    announced = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                still = f"still running after {wait:.0f} s of waiting" if wait else "running"
                raise JobLocked(f"{_holder(handle)} is {still} (lock {path}); not starting {job}") from None
            if not announced:
                log.info("%s: waiting up to %.0f s for %s to finish", job, wait, _holder(handle))
                announced = True
            time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))


@contextmanager
def job_lock(data_dir: Path, job: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock for ``job``; wait up to ``wait`` seconds for another job to release it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "veille.lock"
    handle = open(path, "a+", encoding="utf-8")
    try:
        _acquire(handle, path, job, wait)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{job} (pid {os.getpid()}, since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC)")
        handle.flush()
        yield
    finally:
        handle.close()
