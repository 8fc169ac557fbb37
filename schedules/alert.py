"""A mail to the digest's sender when a scheduled job fails twice in a row (``[schedule] alert``).

One failure may pass (a server down for the night); a second one in a row
wants a person. The mail goes once, when the second failure in a row ends;
the failures after it send nothing more until a run succeeds again. It goes
through the digest's SMTP settings; when it cannot go, that is one warning
line, and the job's own failure is reported as ever.
"""

from __future__ import annotations

import logging
import socket
from datetime import timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from core.config import Config
from core.errors import VeilleError
from warehouse.store import Store

FAILURES_IN_A_ROW = 2
log = logging.getLogger("veille.alert")


def failures_in_a_row(store: Store, job: str) -> list[dict]:
    """The latest finished runs of ``job`` that failed, up to the last one that did not (newest first)."""
    failed = []
    for run in store.fetch("job_runs_latest", {"job": job, "runs": FAILURES_IN_A_ROW + 1}):
        if run["outcome"] != "failed":
            break
        failed.append(run)
    return failed


def alert_message(config: Config, job: str, failed: list[dict]) -> EmailMessage:
    host = socket.gethostname()
    message = EmailMessage()
    message["From"] = config.digest.sender
    message["To"] = config.digest.sender
    message["Subject"] = f"veille on {host}: the {job} job failed {len(failed)} times in a row"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config.digest.sender.rpartition("@")[2] or None)
    runs = "\n".join(f"- {run['started_at'].astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC: {run['summary']}"
                     for run in failed)
    message.set_content(
        f"The {job} job of veille on {host} failed in its last {len(failed)} runs:\n\n{runs}\n\n"
        f"Warehouse: {config.db.absolute()}\n"
        f"`veille --db {config.db.absolute()} status` shows every job's last runs and each source's health.\n"
        "No other mail comes for this job until one of its runs succeeds and it fails twice in a row again.\n")
    return message


def alert_if_failing(config: Config, store: Store, job: str) -> bool:
    """After a failed run of ``job``: mail the sender when it makes exactly two failures in a row.
    True when a mail went out."""
    if not config.schedule.alert:
        return False
    failed = failures_in_a_row(store, job)
    if len(failed) != FAILURES_IN_A_ROW:
        return False
    from digest.send import deliver

    try:
        deliver(alert_message(config, job, failed), config.smtp)
    except VeilleError as error:
        log.warning("%s: could not mail the alert to %s: %s", job, config.digest.sender, error)
        return False
    log.info("%s: failed %d times in a row; alert mailed to %s", job, FAILURES_IN_A_ROW, config.digest.sender)
    return True
