"""Progress: structured log lines when not in a terminal, a rich bar in one."""

import io
import logging
import re

from core.progress import Progress

LINE = re.compile(r"^process: progress done=(\d+) total=10 unit=pages rate=[\d.]+/s elapsed=[\d.]+s eta=\d+s$")


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, as a console's stderr does."""

    def isatty(self) -> bool:
        return True


def test_plain_log_lines_at_the_first_step_every_interval_and_the_end(caplog):
    caplog.set_level(logging.INFO, logger="core.progress")
    with Progress("process", 10, unit="pages", stream=io.StringIO(), interval=3600) as progress:
        for _ in range(5):
            progress.advance(2)
    lines = [record.getMessage() for record in caplog.records]
    assert [int(LINE.match(line).group(1)) for line in lines] == [2, 10]  # nothing in between: interval not over


def test_every_step_is_logged_when_the_interval_is_zero(caplog):
    caplog.set_level(logging.INFO, logger="core.progress")
    with Progress("process", 10, unit="pages", stream=io.StringIO(), interval=0) as progress:
        progress.advance(4)
        progress.advance(6)
    assert [int(LINE.match(r.getMessage()).group(1)) for r in caplog.records] == [4, 10]


def test_an_unknown_total_logs_counts_and_rate(caplog):
    caplog.set_level(logging.INFO, logger="core.progress")
    with Progress("crawl", None, unit="pages", stream=io.StringIO(), interval=0) as progress:
        progress.advance(3)
    assert re.fullmatch(r"crawl: progress done=3 unit=pages rate=[\d.]+/s elapsed=[\d.]+s",
                        caplog.records[0].getMessage())


def test_a_terminal_gets_a_bar_and_no_log_lines(caplog):
    caplog.set_level(logging.INFO, logger="core.progress")
    terminal = Terminal()
    with Progress("process", 10, unit="pages", stream=terminal) as progress:
        progress.advance(10)
    assert caplog.records == []
    drawn = terminal.getvalue()
    assert "process" in drawn and "10/10" in drawn and "pages" in drawn
