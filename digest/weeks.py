"""ISO weeks, the unit of the digest: ``2026-W48`` runs Monday 00:00 to the next Monday.

A week is counted in one time zone (UTC unless told otherwise): the digest's
weeks follow ``[schedule] timezone``, so that a weekly job on Monday morning
finds the week that just ended there complete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from core.errors import VeilleError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
FORMAT_HINT = "YYYY-Www, e.g. 2026-W48"


class WeekError(VeilleError, ValueError):
    """A week that is not written YYYY-Www or does not exist."""

    exit_code = 2  # a usage error: the week given


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int
    zone: tzinfo = field(default=timezone.utc, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9998:
            raise WeekError(f"year {self.year} is out of range")
        last = date(self.year, 12, 28).isocalendar().week  # 28 December is always in the last week
        if not 1 <= self.week <= last:
            raise WeekError(f"{self.year} has ISO weeks W01 to W{last:02d}, not W{self.week:02d}")

    @classmethod
    def parse(cls, text: str, zone: tzinfo = timezone.utc) -> IsoWeek:
        match = _WEEK.match(text.strip())
        if not match:
            raise WeekError(f"bad week {text!r}: expected {FORMAT_HINT}")
        try:
            return cls(int(match.group(1)), int(match.group(2)), zone)
        except WeekError as error:
            raise WeekError(f"bad week {text!r}: {error} (expected {FORMAT_HINT})") from None

    @classmethod
    def containing(cls, moment: datetime, zone: tzinfo = timezone.utc) -> IsoWeek:
        """The week a moment falls in, counted in ``zone`` (a naive moment is taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        year, week, _ = moment.astimezone(zone).date().isocalendar()
        return cls(year, week, zone)

    @property
    def start(self) -> datetime:
        """Monday 00:00 in the week's zone, included."""
        return datetime.combine(date.fromisocalendar(self.year, self.week, 1), time(), self.zone)

    @property
    def end(self) -> datetime:
        """The next Monday 00:00 in the week's zone, excluded."""
        return self.start + timedelta(days=7)

    def previous(self) -> IsoWeek:
        return IsoWeek.containing(self.start - timedelta(days=1), self.zone)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def last_complete_week(now: datetime | None = None, zone: tzinfo = timezone.utc) -> IsoWeek:
    """The latest week (counted in ``zone``) that has ended by ``now`` (default: the current time)."""
    return IsoWeek.containing(now or datetime.now(timezone.utc), zone).previous()
