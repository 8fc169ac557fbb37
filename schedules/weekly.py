"""The weekly job: the digest of the last complete week, and of any week missed since."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timezone

from schedules.lock import job_lock
from veille.config import Config
from veille.errors import VeilleError

CATCH_UP_WEEKS = 4
"""How far back a missed week is still sent (older ones would be stale news)."""


def weeks_to_send(config: Config, now: datetime) -> list[str]:
    """The last complete week and the missed ones before it, oldest first."""
    from digest.send import list_key
    from digest.weeks import last_complete_week
    from warehouse.digests import DigestLog

    log = DigestLog(config.db)
    key = list_key(config.digest.recipients)
    week = last_complete_week(now)
    due: list[str] = []
    for _ in range(CATCH_UP_WEEKS):
        if log.already_sent(str(week), key):
            break  # earlier weeks were handled when this one was
        due.append(str(week))
        week = week.previous()
    return list(reversed(due))


def run_weekly(config: Config, now: datetime | None = None) -> Iterator[str]:
    from digest.run import build_digest
    from warehouse.store import Store

    if not config.digest.recipients:
        raise VeilleError("no recipients: set [digest] recipients in veille.toml")
    started = time.monotonic()
    now = now or datetime.now(timezone.utc)
    with job_lock(config.data_dir, "veille weekly"):
        Store(config.db).migrate()
        weeks = weeks_to_send(config, now)
        for week in weeks:
            outcome = build_digest(config.db, week, config.digest, config.smtp, send=True, out_dir=None,
                                   force=False, now=now)
            yield str(outcome)
    yield f"weekly: done in {time.monotonic() - started:.0f} s: {len(weeks)} digest(s) sent" + (
        f" ({', '.join(weeks)})" if weeks else " (nothing due)")
