"""Sending the digest by SMTP, once per week and recipient list.

Failures that may pass (connection refused or dropped, a timeout, a 4xx
reply) are retried with exponential backoff; failures that will not (a
refused login, 5xx replies, TLS errors, a host that does not resolve) stop at
once. Credentials come only from the environment variables or the file that
the configuration names; they are never logged nor put in an error message.
A digest is recorded in the warehouse only once the server has accepted it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

from digest.weeks import IsoWeek
from core.config import SmtpConfig
from core.errors import VeilleError
from warehouse.db import WarehouseError
from warehouse.digests import DigestLog

BACKOFF_SECONDS = 2.0
"""The wait before the first retry; it doubles before each next one."""

log = logging.getLogger(__name__)


class DigestSendError(VeilleError):
    """The digest could not be sent; the message is one sentence a user can act on."""


class _Temporary(Exception):
    """A failure worth another attempt; its text completes "... after N attempts"."""


@dataclass(frozen=True)
class SendResult:
    sent: bool  # False when the week had already gone to this list
    week: str
    recipients: tuple[str, ...]
    sent_at: datetime  # now, or when it was sent before
    message_id: str | None  # of the message sent now
    refused: tuple[str, ...] = ()  # recipients the server refused while accepting the others

    @property
    def summary(self) -> str:
        when = f"{self.sent_at.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
        if not self.sent:
            return (
                f"the digest of week {self.week} was already sent on {when} to this recipient list; "
                "use --force to send it again"
            )
        accepted = len(self.recipients) - len(self.refused)
        text = f"sent the digest of week {self.week} to {accepted} recipient{'s' if accepted != 1 else ''} on {when}"
        return text + (f"; the server refused {', '.join(self.refused)}" if self.refused else "")


def list_key(recipients: Sequence[str]) -> str:
    """The same key for the same set of addresses, whatever their order, case or display names."""
    canonical = "\n".join(sorted({address.strip().lower() for _, address in getaddresses(list(recipients))}))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _credential_hint(config: SmtpConfig) -> str:
    names = [name for name in (config.username_env, config.password_env) if name]
    if config.password_file:
        names.append(str(config.password_file))
    return " / ".join(names) if names else "[smtp] username_env and password_env in veille.toml"


def _credentials(config: SmtpConfig) -> tuple[str, str] | None:
    """The login the configuration points to, or None when it names none."""
    if not config.username_env:
        if config.password_env or config.password_file:
            raise DigestSendError("[smtp] names a password but no username_env; set both or neither")
        return None
    username = os.environ.get(config.username_env)
    if not username:
        raise DigestSendError(f"{config.username_env} is not set: export the SMTP user name in it")
    if config.password_file:
        try:
            password = config.password_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            raise DigestSendError(
                f"cannot read the SMTP password file {config.password_file} ({error.strerror or error})"
            ) from None
    elif config.password_env:
        password = os.environ.get(config.password_env, "")
        if not password:
            raise DigestSendError(f"{config.password_env} is not set: export the SMTP password in it")
    else:
        raise DigestSendError("[smtp] names username_env but neither password_env nor password_file")
    return username, password


def _reply(error: smtplib.SMTPResponseException) -> str:
    reply = error.smtp_error
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{error.smtp_code} {' '.join(text.split())}".strip()


def _attempt(
    message: EmailMessage, config: SmtpConfig, login: tuple[str, str] | None
) -> dict[str, tuple[int, bytes]]:
    """One connection: connect, secure, log in, send. Returns the refused recipients."""
    where = f"{config.host}:{config.port}"
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if config.security == "tls":
            client = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        with client:
            if config.security == "starttls":
                try:
                    client.starttls(context=context)
                except smtplib.SMTPNotSupportedError:
                    raise DigestSendError(
                        f"SMTP server {where} does not offer STARTTLS: set [smtp] security to \"tls\" or \"none\""
                    ) from None
            if login is not None:
                try:
                    client.login(*login)
                except smtplib.SMTPNotSupportedError:
                    raise DigestSendError(
                        f"SMTP server {where} does not offer a login (AUTH) on this connection: "
                        "check [smtp] security, or remove username_env"
                    ) from None
            return client.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise DigestSendError(
            f"SMTP server {where} refused the login ({error.smtp_code}): check {_credential_hint(config)}"
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        replies = [f"{address} ({code})" for address, (code, _) in error.recipients.items()]
        if all(400 <= code < 500 for code, _ in error.recipients.values()):
            raise _Temporary(f"SMTP server {where} deferred every recipient: {', '.join(replies)}") from None
        raise DigestSendError(f"SMTP server {where} refused every recipient: {', '.join(replies)}") from None
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise _Temporary(f"SMTP server {where} answered {_reply(error)}") from None
        hint = (
            ": it wants a login, set [smtp] username_env and password_env"
            if error.smtp_code == 530 and login is None
            else ""
        )
        raise DigestSendError(f"SMTP server {where} rejected the digest ({_reply(error)}){hint}") from None
    except smtplib.SMTPServerDisconnected:
        raise _Temporary(f"SMTP server {where} closed the connection before accepting the digest") from None
    except ssl.SSLCertVerificationError as error:
        raise DigestSendError(
            f"the TLS certificate of SMTP server {where} could not be verified ({error.verify_message})"
        ) from None
    except ssl.SSLError as error:
        raise DigestSendError(
            f"TLS with SMTP server {where} failed ({error.reason or error}): "
            "check [smtp] security (\"tls\" for port 465, \"starttls\" for 587)"
        ) from None
    except socket.gaierror:
        raise DigestSendError(f"cannot resolve the SMTP host {config.host!r}: check [smtp] host") from None
    except ConnectionRefusedError:
        raise _Temporary(
            f"SMTP server {where} refused the connection; check that it runs, and [smtp] host and port"
        ) from None
    except TimeoutError:
        raise _Temporary(f"SMTP server {where} did not answer within {config.timeout:g} s") from None
    except OSError as error:
        raise _Temporary(f"could not talk to SMTP server {where} ({error.strerror or error})") from None


def deliver(
    message: EmailMessage, config: SmtpConfig, *, sleep: Callable[[float], None] = time.sleep
) -> dict[str, tuple[int, bytes]]:
    """Send with retries; returns the recipients refused while others were accepted."""
    login = _credentials(config)
    attempts = config.retries + 1
    attempt = 1
    while True:
        try:
            return _attempt(message, config, login)
        except _Temporary as failure:
            if attempt == attempts:
                plural = "s" if attempts > 1 else ""
                raise DigestSendError(f"{failure} (gave up after {attempts} attempt{plural})") from None
            delay = BACKOFF_SECONDS * 2 ** (attempt - 1)
            log.warning("%s; attempt %d of %d, retrying in %g s", failure, attempt, attempts, delay)
            sleep(delay)
            attempt += 1


def send_digest(
    store_path: Path,
    week: IsoWeek,
    message: EmailMessage,
    config: SmtpConfig,
    *,
    force: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> SendResult:
    """Send ``message`` (the digest of ``week``) to its To: list, unless that list already had it.

    Returns what happened; raises DigestSendError when the server did not take it.
    """
    recipients = tuple(address.addr_spec for address in message["To"].addresses) if message["To"] else ()
    if not recipients:
        raise DigestSendError("the digest has no recipients: set [digest] recipients in veille.toml")
    key = list_key(recipients)
    digest_log = DigestLog(store_path)
    previous = digest_log.sent_at(str(week), key)
    if previous is not None and not force:
        return SendResult(sent=False, week=str(week), recipients=recipients, sent_at=previous, message_id=None)
    refused = deliver(message, config, sleep=sleep)
    sent_at = datetime.now(timezone.utc)
    try:
        digest_log.record(str(week), key, recipients, str(message["Subject"]), str(message["Message-ID"]), sent_at)
    except WarehouseError as error:
        raise DigestSendError(
            f"the server accepted the digest of week {week} but recording it failed ({error}), "
            "so the next run would send it again"
        ) from None
    return SendResult(
        sent=True,
        week=str(week),
        recipients=recipients,
        sent_at=sent_at,
        message_id=str(message["Message-ID"]),
        refused=tuple(sorted(refused)),
    )
