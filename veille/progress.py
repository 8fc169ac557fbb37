"""Progress of long stages: a bar in a terminal, plain log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType

log = logging.getLogger("veille")


class Progress:
    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self._last_log = 0.0
        self._rich = None

    def __enter__(self) -> Progress:
        if sys.stderr.isatty() and self.total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeRemainingColumn

            self._rich = RichProgress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), transient=True,
            )
            self._rich.start()
            self._task = self._rich.add_task(self.label, total=self.total, rate="")
        return self

    def advance(self, count: int) -> None:
        self.done += count
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = f"{self.done / elapsed:.1f}/s"
        if self._rich is not None:
            self._rich.update(self._task, advance=count, rate=rate)
        elif time.monotonic() - self._last_log > 5 or self.done >= self.total:
            self._last_log = time.monotonic()
            log.info("%s: %d/%d (%s)", self.label, self.done, self.total, rate)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._rich is not None:
            self._rich.stop()
