"""The weekly job: the digest of the last complete week, and of any week missed since the last one sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

from schedules.lock import job_lock
from schedules.record import recorded
from veille.config import Config
from veille.errors import VeilleError

CATCH_UP_WEEKS = 4
"""How many weeks one run sends at most when some were missed (older ones would be stale news)."""


def weeks_to_send(config: Config, now: datetime) -> list[str]:
    """The weeks due at ``now``, oldest first.

    Those after the latest week this recipient list received, up to the last
    complete week and at most ``CATCH_UP_WEEKS`` of them; a list that never
    received a digest gets only the last complete week, not a backlog.
    """
    from digest.send import list_key
    from digest.weeks import IsoWeek, last_complete_week
    from warehouse.digests import DigestLog

    latest = DigestLog(config.db).latest_week(list_key(config.digest.recipients))
    week = last_complete_week(now, config.schedule.zone)
    if latest is None:
        return [str(week)]
    due: list[str] = []
    while len(due) < CATCH_UP_WEEKS and week > IsoWeek.parse(latest):
        due.append(str(week))
        week = week.previous()
    return [str(w) for w in reversed(due)]


def run_weekly(config: Config, now: datetime | None = None) -> Iterator[str]:
    """Send every due week under the job lock; yields what each send printed, then a closing line.

    Weeks are counted in ``[schedule] timezone``. A running nightly job is waited
    for (``[schedule] weekly_wait`` seconds at most), and the weeks due are
    reckoned once the lock is held, so a digest delayed by a long night still
    goes out. A failed send stops the run before later weeks, so they go out in
    order on the next run.
    """
    from digest.run import build_digest

    sent: list[str] = []
    with recorded(config, "weekly") as run:
        if not config.digest.recipients:
            raise VeilleError("no recipients: set [digest] recipients in veille.toml")
        with job_lock(config.data_dir, "veille weekly", wait=config.schedule.weekly_wait):
            run.holds_lock()
            now = now or datetime.now(timezone.utc)
            for week in weeks_to_send(config, now):
                outcome = build_digest(config.db, week, config.digest, config.smtp, send=True, out_dir=None,
                                       force=False, now=now, zone=config.schedule.zone)
                if outcome.sent is not None and outcome.sent.sent:
                    sent.append(week)
                yield str(outcome)
        run.summary = (f"weekly: done in {run.seconds:.0f} s: "
                       + (f"{len(sent)} digest{'s' if len(sent) != 1 else ''} sent ({', '.join(sent)})" if sent
                          else "nothing due"))
        yield run.summary
