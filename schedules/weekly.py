"""The weekly job: sends, under the job lock, the digests of the weeks ``digest.due`` says are due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

from core.config import Config
from core.errors import VeilleError
from digest.due import weeks_due
from schedules.lock import job_lock
from schedules.record import recorded


def run_weekly(config: Config, now: datetime | None = None) -> Iterator[str]:
    """Send every due week under the job lock; yields what each send printed, then a closing line.

    Weeks are counted in ``[schedule] timezone``. A running nightly job is waited
    for (``[schedule] weekly_wait`` seconds at most), and the weeks due are
    reckoned once the lock is held, so a digest delayed by a long night still
    goes out. A failed send stops the run before later weeks, so they go out in
    order on the next run.
    """
    from digest.run import build_digest  # charts and templates: loaded only when a digest is built

    sent: list[str] = []
    with recorded(config, "weekly") as run:
        if not config.digest.recipients:
            raise VeilleError("no recipients: set [digest] recipients in veille.toml")
        with job_lock(config.data_dir, "veille weekly", wait=config.schedule.weekly_wait):
            run.holds_lock()
            now = now or datetime.now(timezone.utc)
            for week in weeks_due(config.db, config.digest.recipients, now, config.schedule.zone):
                outcome = build_digest(config.db, week, config.digest, config.smtp, send=True, out_dir=None,
                                       force=False, now=now, zone=config.schedule.zone)
                if outcome.sent is not None and outcome.sent.sent:
                    sent.append(week)
                yield str(outcome)
        run.summary = (f"weekly: done in {run.seconds:.0f} s: "
                       + (f"{len(sent)} digest{'s' if len(sent) != 1 else ''} sent ({', '.join(sent)})" if sent
                          else "nothing due"))
        yield run.summary
