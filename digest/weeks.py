"""ISO weeks, the unit of the digest: ``2026-W48`` runs Monday 00:00 UTC to the next Monday."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from veille.errors import VeilleError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
FORMAT_HINT = "YYYY-Www, e.g. 2026-W48"


class WeekError(VeilleError, ValueError):
    """A week that is not written YYYY-Www or does not exist."""


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9998:
            raise WeekError(f"year {self.year} is out of range")
        last = date(self.year, 12, 28).isocalendar().week  # 28 December is always in the last week
        if not 1 <= self.week <= last:
            raise WeekError(f"{self.year} has ISO weeks W01 to W{last:02d}, not W{self.week:02d}")

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = _WEEK.match(text.strip())
        if not match:
            raise WeekError(f"bad week {text!r}: expected {FORMAT_HINT}")
        try:
            return cls(int(match.group(1)), int(match.group(2)))
        except WeekError as error:
            raise WeekError(f"bad week {text!r}: {error} (expected {FORMAT_HINT})") from None

    @classmethod
    def containing(cls, moment: datetime) -> IsoWeek:
        """The week a moment falls in, counted in UTC (a naive moment is taken as UTC)."""
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc)
        year, week, _ = moment.date().isocalendar()
        return cls(year, week)

    @property
    def start(self) -> datetime:
        """Monday 00:00 UTC, included."""
        return datetime.combine(date.fromisocalendar(self.year, self.week, 1), time(), timezone.utc)

    @property
    def end(self) -> datetime:
        """The next Monday 00:00 UTC, excluded."""
        return self.start + timedelta(days=7)

    def previous(self) -> IsoWeek:
        return IsoWeek.containing(self.start - timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def last_complete_week(now: datetime | None = None) -> IsoWeek:
    """The latest week that has ended by ``now`` (default: the current time)."""
    return IsoWeek.containing(now or datetime.now(timezone.utc)).previous()
