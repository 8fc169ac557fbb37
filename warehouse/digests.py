"""The log of digests sent, so that a week never goes twice to the same list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from warehouse.db import DEFAULT_LOCK_TIMEOUT, read_connection, write_transaction
from warehouse.sqlfiles import query


class DigestLog:
    """Reads and writes the ``digests`` table of one warehouse file."""

    def __init__(self, path: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    def sent_at(self, week: str, list_key: str) -> datetime | None:
        """When this week's digest last went to this recipient list, or None."""
        with read_connection(self.path, lock_timeout=self.lock_timeout) as connection:
            row = connection.execute(query("digest_sent_at"), {"week": week, "list_key": list_key}).fetchone()
        return row[0] if row else None

    def already_sent(self, week: str, list_key: str) -> bool:
        return self.sent_at(week, list_key) is not None

    def latest_week(self, list_key: str) -> str | None:
        """The latest week (``YYYY-Www``) sent to this recipient list, or None if it never had one."""
        with read_connection(self.path, lock_timeout=self.lock_timeout) as connection:
            row = connection.execute(query("digest_latest_week"), {"list_key": list_key}).fetchone()
        return row[0] if row else None

    def record(
        self,
        week: str,
        list_key: str,
        recipients: Sequence[str],
        subject: str,
        message_id: str,
        sent_at: datetime,
    ) -> None:
        """Remember a digest the server accepted (a forced resend replaces the record)."""
        params = {
            "week": week,
            "list_key": list_key,
            "recipients": list(recipients),
            "subject": subject,
            "sent_at": sent_at,
            "message_id": message_id,
        }
        with write_transaction(self.path, lock_timeout=self.lock_timeout) as connection:
            connection.execute(query("digest_record"), params)
