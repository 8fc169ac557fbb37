"""Failed requests described in one short line, and recognised when they are TLS failures."""

from __future__ import annotations

from collections.abc import Iterator

from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure


def error_chain(error: BaseException) -> Iterator[BaseException]:
    """An error, its causes, and the failures Twisted gathered inside it (``reasons``)."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
        pending += [reason.value for reason in getattr(current, "reasons", [])
                    if isinstance(reason, Failure) and reason.value is not None]


def _openssl(error: BaseException) -> list[BaseException]:
    return [e for e in error_chain(error) if type(e).__module__.startswith("OpenSSL")]


def is_tls_error(error: BaseException) -> bool:
    return bool(_openssl(error))


def describe_error(error: BaseException) -> str:
    """What went wrong, in one line of at most 300 characters (no traceback)."""
    if isinstance(error, HttpError):
        return f"the server answered HTTP {error.response.status}"
    if tls := _openssl(error):
        return f"TLS handshake failed ({' '.join(str(tls[0]).split())[:200]})"
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:300]
