"""Publication dates in English, French and Chinese pages.

Order of trust: dates the page states in its markup (``article:published_time``,
JSON-LD, ``<time>``; htmldate without guessing), then a date written in the
byline near the headline (« publié le 12 novembre 2026 », 2026年3月12日,
"November 12, 2026"), then the date a feed or news sitemap gave, then
htmldate's broader search. A date after the fetch time is never taken.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

import dateparser
import htmldate

_MONTHS_FR = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
_MONTHS_FR_SHORT = r"janv\.?|févr\.?|fevr\.?|avr\.?|juil\.?|sept\.?|oct\.?|nov\.?|déc\.?|dec\.?"
_MONTHS_EN = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
)
_YEAR_MONTH_DAY = (
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<![\d.])((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])"),  # 2005-5-7, 2005/05/07
)
_BYLINE_DATES = [
    *_YEAR_MONTH_DAY,
    re.compile(rf"\b(\d{{1,2}}(?:er)?\s+(?:{_MONTHS_FR}|{_MONTHS_FR_SHORT})\s+\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b((?:{_MONTHS_EN})\s+\d{{1,2}},?\s+\d{{4}})\b"),
    re.compile(rf"\b(\d{{1,2}}\s+(?:{_MONTHS_EN})\s+\d{{4}})\b"),
    re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4})\b"),
]
_UPDATED = re.compile(r"(mis à jour|mise à jour|updated|更新)[^0-9]{0,20}$", re.IGNORECASE)
_PUBLISHED = re.compile(
    r"(发布时间|發布時間|发表时间|發表時間|发表于|發表於|发布于|發佈於|时间|時間|日期|published|posted|publié le|publié)"
    r"[\s:：]{0,4}$",
    re.IGNORECASE,
)


def _as_datetime(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)


def guessed_date(html: str, fetched_at: datetime) -> datetime | None:
    """htmldate's broader search, which may guess from any date on the page."""
    found = htmldate.find_date(
        html, original_date=True, extensive_search=True, outputformat="%Y-%m-%d",
        max_date=fetched_at.strftime("%Y-%m-%d"),
    )
    return _as_datetime(date.fromisoformat(found)) if found else None


def byline_date(head_text: str, language: str | None, fetched_at: datetime) -> datetime | None:
    """The first publication date written near the top of the article text.

    A date introduced as an update ("Mis à jour le …", "Updated …") is skipped;
    one introduced as the publication date (发布时间：, « Publié le », "Posted")
    comes before any other.
    """
    candidates: list[tuple[bool, int, datetime]] = []
    for pattern in _BYLINE_DATES:
        for match in pattern.finditer(head_text):
            before = head_text[max(0, match.start() - 30): match.start()]
            if _UPDATED.search(before):
                continue
            parsed = _parse(match, language)
            if parsed is not None and parsed <= fetched_at:
                candidates.append((not _PUBLISHED.search(before), match.start(), parsed))
    return min(candidates)[2] if candidates else None


def _parse(match: re.Match[str], language: str | None) -> datetime | None:
    if match.re in _YEAR_MONTH_DAY:
        year, month, day = (int(g) for g in match.groups())
        try:
            return _as_datetime(date(year, month, day))
        except ValueError:
            return None
    languages = [language] if language in {"en", "fr"} else ["en", "fr"]
    order = "DMY" if language == "fr" or "/" in match.group(1) and language != "en" else None
    settings = {"RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC", "PREFER_DAY_OF_MONTH": "first"}
    if order:
        settings["DATE_ORDER"] = order
    parsed = dateparser.parse(match.group(1), languages=languages, settings=settings)
    return parsed.astimezone(timezone.utc) if parsed else None


def publication_date(
    html: str | None,
    markup: date | None,
    head_text: str,
    language: str | None,
    fetched_at: datetime,
    hint: datetime | None = None,
    markup_time: datetime | None = None,
) -> datetime | None:
    """The article's original publication date, by the order of trust above.

    ``markup`` is the date htmldate read from the markup without guessing
    (trafilatura computes it during extraction), and ``markup_time`` the same
    with its time when the markup states a time and its UTC offset: the moment
    is then kept, not the day at midnight UTC. The broad search of the HTML
    runs only when nothing else gives a date.
    """
    if markup_time is not None and markup_time <= fetched_at:
        return markup_time.astimezone(timezone.utc)
    if markup is not None and _as_datetime(markup) <= fetched_at:
        return _as_datetime(markup)
    for found in (
        byline_date(head_text, language, fetched_at),
        hint if hint is not None and hint <= fetched_at else None,
    ):
        if found is not None:
            return found
    return guessed_date(html, fetched_at) if html else None
