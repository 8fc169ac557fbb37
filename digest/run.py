"""``veille digest``: gather a week, write the preview, and send it when asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path

from digest.compose import compose, subject, write_preview
from digest.data import gather
from digest.send import DigestSendError, SendResult, send_digest
from digest.weeks import IsoWeek, last_complete_week
from core.config import DigestConfig, SmtpConfig
from warehouse.store import Store


@dataclass(frozen=True)
class DigestOutcome:
    week: IsoWeek
    subject: str
    eml_path: Path
    html_path: Path
    sent: SendResult | None  # None when sending was not asked for

    def __str__(self) -> str:
        """What ``veille digest`` prints."""
        lines = [self.subject, f"wrote {self.eml_path} and {self.html_path.name}"]
        if self.sent is not None:
            lines.append(self.sent.summary)
        return "\n".join(lines)


def build_digest(
    db_path: Path,
    week: str | None,
    digest_config: DigestConfig,
    smtp_config: SmtpConfig,
    *,
    send: bool,
    out_dir: Path | None,
    force: bool,
    now: datetime | None = None,
    zone: tzinfo = timezone.utc,
) -> DigestOutcome:
    """The digest of ``week`` (default: the last complete week), previewed and optionally sent.

    Weeks run from Monday 00:00 to Monday 00:00 in ``zone``.

    Raises WeekError (a ValueError) for a malformed week and DigestSendError when sending
    fails or would send a week that is not over yet (it would then count as
    sent and the rest of the week would never go out).
    """
    now = now or datetime.now(timezone.utc)
    target = IsoWeek.parse(week, zone) if week else last_complete_week(now, zone)
    if send and target.end > now:
        raise DigestSendError(
            f"week {target} is not over until {target.end:%Y-%m-%d %H:%M} {target.end.tzname()}; "
            "preview it without --send"
        )
    data = gather(Store(db_path), target)
    message = compose(data, digest_config.sender, digest_config.recipients, now=now)
    eml_path, html_path = write_preview(message, out_dir or digest_config.out_dir)
    result = send_digest(db_path, target, message, smtp_config, force=force) if send else None
    return DigestOutcome(week=target, subject=subject(data), eml_path=eml_path, html_path=html_path, sent=result)
