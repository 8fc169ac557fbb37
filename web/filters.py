"""The filters a page reads from its URL, checked once.

The URL is the state: every filter lives in the query string, so a view can
be bookmarked and shared, and the CSV of a block reads the same filters as
the page that shows it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from starlette.datastructures import QueryParams

from core.errors import VeilleError

_IDENTIFIER = re.compile(r"^[\w.:\-]{1,200}$")
_LANGUAGE = re.compile(r"^[a-z]{2}(_[a-z]{4})?$")
MAX_WORDS = 200


class FilterError(VeilleError):
    """A filter in the URL that cannot be read; the message names it."""


@dataclass(frozen=True)
class Filters:
    language: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    stance: str | None = None
    entity: str | None = None
    kind: str | None = None
    story: str | None = None
    article: str | None = None
    words: str | None = None
    meaning: str | None = None
    weeks: int = 12

    def params(self) -> dict[str, Any]:
        """Parameters for the named queries (a query takes the ones it names)."""
        return asdict(self)

    def query_string(self, **changes: Any) -> str:
        """This view's filters as a query string, with ``changes`` applied."""
        from urllib.parse import urlencode

        values = {**asdict(self), **changes}
        values["q"] = values.pop("words")
        if values["weeks"] == 12:
            values.pop("weeks")
        return urlencode({k: str(v) for k, v in values.items() if v not in (None, "")})


def _text(params: QueryParams, name: str, pattern: re.Pattern[str] | None = None) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if pattern is not None and not pattern.match(value):
        raise FilterError(f"{name}={value[:40]!r} is not a valid {name}")
    if len(value) > MAX_WORDS:
        raise FilterError(f"{name} is longer than {MAX_WORDS} characters")
    return value


def _date(params: QueryParams, name: str) -> date | None:
    value = _text(params, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{name}={value[:40]!r} is not a date (YYYY-MM-DD)") from None


def read_filters(params: QueryParams) -> Filters:
    """The filters of one request; a :class:`FilterError` for one that cannot be read."""
    weeks_text = _text(params, "weeks", re.compile(r"^\d{1,3}$"))
    weeks = int(weeks_text) if weeks_text else 12
    if not 1 <= weeks <= 520:
        raise FilterError("weeks must be between 1 and 520")
    kind = _text(params, "kind")
    if kind not in (None, "lab", "model", "family"):
        raise FilterError(f"kind={kind[:40]!r} is not one of lab, model, family")
    filters = Filters(
        language=_text(params, "language", _LANGUAGE),
        source=_text(params, "source", _IDENTIFIER),
        since=_date(params, "since"),
        until=_date(params, "until"),
        stance=_text(params, "stance", _IDENTIFIER),
        entity=_text(params, "entity", _IDENTIFIER),
        kind=kind,
        story=_text(params, "story", _IDENTIFIER),
        article=_text(params, "article", _IDENTIFIER),
        words=_text(params, "q"),
        meaning=_text(params, "meaning"),
        weeks=weeks,
    )
    if filters.since and filters.until and filters.since > filters.until:
        raise FilterError("since comes after until")
    return filters
