"""An exclusive job lock next to the warehouse.

It is an ``flock`` on a file: the kernel releases it when the holding process
dies, however it dies, so a lock left by a killed job is simply taken over by
the next one. The file records who holds it, for the message a second job
prints.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from veille.errors import VeilleError


class JobLocked(VeilleError):
    """Another veille job holds the lock."""


@contextmanager
def job_lock(data_dir: Path, job: str) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "veille.lock"
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another veille job"
            raise JobLocked(f"{holder} is running (lock {path}); not starting {job}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{job} (pid {os.getpid()}, since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC)")
        handle.flush()
        yield
    finally:
        handle.close()
