"""Progress of long stages: a bar in a terminal, plain structured log lines otherwise.

In a terminal (stderr is a TTY) rich draws a bar with the count, the rate and
the time left. Elsewhere (cron, systemd, a container, a pipe) one log line is
written at the first step, then every ``interval`` seconds, then at the end::

    process: progress done=12 total=44 unit=pages rate=3.1/s elapsed=3.9s eta=10s
"""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress

log = logging.getLogger("core.progress")

LOG_INTERVAL_SECONDS = 5.0


class Progress:
    """``with Progress("process", total, unit="pages") as progress: ... progress.advance(n)``."""

    def __init__(self, label: str, total: int | None, *, unit: str = "items", stream: TextIO | None = None,
                 interval: float = LOG_INTERVAL_SECONDS) -> None:
        self.label = label
        self.total = total  # None when unknown
        self.unit = unit
        self.done = 0
        self.interval = interval
        self._stream = stream or sys.stderr
        self._started = time.monotonic()
        self._last_log: float | None = None
        self._rich: RichProgress | None = None

    @property
    def rate(self) -> float:
        return self.done / max(time.monotonic() - self._started, 1e-6)

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self._stream.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as RichProgress, SpinnerColumn,
                                       TextColumn, TimeRemainingColumn)

            bar = RichProgress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[unit]}  {task.fields[rate]}"), TimeRemainingColumn(),
                console=Console(file=self._stream), transient=True,
            )
            bar.start()
            self._task = bar.add_task(self.label, total=self.total, unit=self.unit, rate="")
            self._rich = bar
        return self

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self._rich is not None:
            self._rich.update(self._task, advance=count, rate=f"{self.rate:.1f}/s")
            return
        now = time.monotonic()
        finished = self.total is not None and self.done >= self.total
        if self._last_log is None or finished or now - self._last_log >= self.interval:
            self._last_log = now
            self._log_line()

    def _log_line(self) -> None:
        elapsed = time.monotonic() - self._started
        fields = [f"done={self.done}"]
        if self.total is not None:
            fields.append(f"total={self.total}")
        fields += [f"unit={self.unit}", f"rate={self.rate:.1f}/s", f"elapsed={elapsed:.1f}s"]
        if self.total is not None and self.done and self.rate > 0:
            fields.append(f"eta={max(self.total - self.done, 0) / self.rate:.0f}s")
        log.info("%s: progress %s", self.label, " ".join(fields))

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._rich is not None:
            self._rich.stop()
