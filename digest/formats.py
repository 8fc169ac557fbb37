"""How the digest writes dates, shares, changes and language names, in charts and templates alike.

Month names are spelled here rather than taken from the locale, so the digest
reads the same whatever machine sends it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from core.languages import registry
from digest.weeks import IsoWeek

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def language_name(code: str) -> str:
    """The language's name in its registry file (``English``), or the code for one veille does not know."""
    spec = registry().get(code)
    return spec.name if spec is not None else code


def day(moment: datetime | None) -> str:
    """``24 Nov 2026`` (in UTC), or ``date unknown``."""
    if moment is None:
        return "date unknown"
    moment = moment.astimezone(timezone.utc)
    return f"{moment.day} {_MONTHS[moment.month - 1][:3]} {moment.year}"


def period(week: IsoWeek) -> str:
    """The days of a week: ``23–29 November 2026``, ``30 November – 6 December 2026``."""
    first, last = week.start, week.end - timedelta(days=1)
    first_month, last_month = _MONTHS[first.month - 1], _MONTHS[last.month - 1]
    if first.year != last.year:
        return f"{first.day} {first_month} {first.year} – {last.day} {last_month} {last.year}"
    if first.month != last.month:
        return f"{first.day} {first_month} – {last.day} {last_month} {last.year}"
    return f"{first.day}–{last.day} {last_month} {last.year}"


def percent(share: float) -> str:
    return f"{share:.0%}"


def change(delta: int) -> str:
    """A week-over-week change: ``+3``, ``−2`` (a true minus sign) or ``=``."""
    if delta == 0:
        return "="
    return f"+{delta}" if delta > 0 else f"\u2212{-delta}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
