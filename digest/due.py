"""Which weeks are due to a recipient list: the last complete one, and those missed since the last sent."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from digest.send import list_key
from digest.weeks import IsoWeek, last_complete_week
from warehouse.digests import DigestLog

CATCH_UP_WEEKS = 4
"""How many weeks one run sends at most when some were missed (older ones would be stale news)."""


def weeks_due(db_path: Path, recipients: list[str], now: datetime, zone: tzinfo) -> list[str]:
    """The weeks due at ``now``, oldest first.

    Those after the latest week this recipient list received, up to the last
    complete week and at most ``CATCH_UP_WEEKS`` of them; a list that never
    received a digest gets only the last complete week, not a backlog.
    """
    latest = DigestLog(db_path).latest_week(list_key(recipients))
    week = last_complete_week(now, zone)
    if latest is None:
        return [str(week)]
    due: list[str] = []
    while len(due) < CATCH_UP_WEEKS and week > IsoWeek.parse(latest):
        due.append(str(week))
        week = week.previous()
    return [str(w) for w in reversed(due)]
