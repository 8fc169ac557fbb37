"""``--log-file``: a scheduled job's output appended to a file that veille rotates.

Cron has nowhere to put a job's output; appending it to a file with ``>>``
lets the file grow for ever. With ``--log-file PATH`` veille sends its whole
output (its own lines, library warnings, child processes) to PATH, and first
moves PATH aside to ``PATH.1`` (``PATH.1`` to ``PATH.2`` …) once it has grown
past ``MAX_BYTES``, keeping ``BACKUPS`` old files.
"""

from __future__ import annotations

import io
import os
import sys
from datetime import datetime
from pathlib import Path

MAX_BYTES = 5_000_000
BACKUPS = 4


def rotate(path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> bool:
    """Move ``path`` to ``path.1`` (and older ones up) when it is over ``max_bytes``; True when it did."""
    if not path.exists() or path.stat().st_size < max_bytes:
        return False
    for index in range(backups - 1, 0, -1):
        older = path.with_name(f"{path.name}.{index}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{index + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))
    return True


def send_output_to(path: Path, argv: list[str]) -> None:
    """Append standard output and error (the file descriptors, so children's too) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rotate(path)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    os.close(descriptor)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # not when something replaced it with a plain text stream
            stream.reconfigure(line_buffering=True)
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    print(f"---- {started} veille {' '.join(argv)} (pid {os.getpid()})", flush=True)
