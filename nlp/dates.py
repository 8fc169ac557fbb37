"""Publication dates in the pages of every language of the registry.

Order of trust: dates the page states in its markup (``article:published_time``,
JSON-LD, ``<time>``; htmldate without guessing), then a date written in the
byline near the headline (« publié le 12 novembre 2026 », 2026年3月12日,
民國113年3月12日, 3小时前, "November 12, 2026"), then the date a feed or news
sitemap gave, then (Chinese pages) a date that closes the text or one the page
labels as its publication date anywhere (本贴由…于, 发布时间：), then htmldate's
broader search. A date after the fetch time is never taken.

dateparser, which only dates written in words need, is imported when the first
such date comes (tens of milliseconds that a start need not pay).
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from functools import cache
from pathlib import Path

from zoneinfo import ZoneInfo

import htmldate

from core.languages import Registry, registry
from nlp.dateparser_patterns import kept_locale_patterns
from nlp.chinese_dates import grammar_for, issue_date, written_dates, zone_for

_YEAR_MONTH_DAY = re.compile(r"(?<![\d.])((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])")  # 2005-5-7, 2005/05/07
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4})\b")


@dataclass(frozen=True)
class _Words:
    """The registry's date words: byline date patterns, and the words that introduce a date."""

    numbers: tuple[re.Pattern[str], ...]  # year, month and day as numbers in three groups, read without dateparser
    patterns: tuple[re.Pattern[str], ...]  # the others: dateparser reads their first group
    updated: re.Pattern[str]
    published: re.Pattern[str]


@cache
def _words(languages: Registry) -> _Words:
    """Each language's ``[dates]``: ``number_patterns`` (year, month and day in three groups),
    ``byline_patterns`` (the date in the first group, ``{months}`` standing for its ``months``),
    the ``published`` and ``updated`` words before a date, and ``published_patterns`` (regular
    expressions) for a publication label with a name inside."""
    numbers, patterns, updated, published, published_patterns = [], [], [], [], []
    for spec in languages:
        numbers += [re.compile(p) for p in spec.dates.get("number_patterns", [])]
        months = spec.dates.get("months", "")
        patterns += [re.compile(p.replace("{months}", months)) for p in spec.dates.get("byline_patterns", [])]
        updated += spec.dates.get("updated", [])
        published += spec.dates.get("published", [])
        published_patterns += spec.dates.get("published_patterns", [])
    labels = "|".join([_alternatives(published), *published_patterns])
    return _Words(
        numbers=(*numbers, _YEAR_MONTH_DAY),
        patterns=(*patterns, _DAY_MONTH_YEAR),
        updated=re.compile(rf"({_alternatives(updated)})[^0-9]{{0,20}}$", re.IGNORECASE),
        published=re.compile(rf"({labels})[\s:：]{{0,4}}$", re.IGNORECASE),
    )


def _alternatives(words: list[str]) -> str:
    """Words as one regular-expression alternation (one that matches nothing when there are none)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or "(?!)"


CLOSING_LINES = 2
CLOSING_LINE_CHARACTERS = 40


def _as_datetime(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)


def guessed_date(html: str, fetched_at: datetime, cache_dir: Path | None = None) -> datetime | None:
    """htmldate's broader search, which may guess from any date on the page; with ``cache_dir``,
    dateparser's locale patterns, which it may compile for all locales, are kept there
    (``nlp.dateparser_patterns``)."""
    with kept_locale_patterns(cache_dir) if cache_dir is not None else nullcontext():
        found = htmldate.find_date(
            html, original_date=True, extensive_search=True, outputformat="%Y-%m-%d",
            max_date=fetched_at.strftime("%Y-%m-%d"),
        )
    return _as_datetime(date.fromisoformat(found)) if found else None


def byline_date(head_text: str, language: str | None, fetched_at: datetime,
                zone: ZoneInfo | None = None, labelled_only: bool = False) -> datetime | None:
    """The first publication date written near the top of the article text.

    A date introduced as an update ("Mis à jour le …", "Updated …") is skipped;
    one introduced as the publication date (发布时间：, « Publié le », "Posted")
    comes before any other; with ``labelled_only``, no other is taken. With
    the outlet's ``zone``, a language with a date grammar (``[dates.grammar]``:
    Chinese) has its dates read by ``nlp.chinese_dates``: Republic of China
    years, relative times, and a time of day kept in that zone; the dates
    written in numbers are then its grammar's to read.
    """
    candidates: list[tuple[bool, int, datetime]] = []
    words = _words(registry())

    def consider(start: int, parsed: datetime | None) -> None:
        before = head_text[max(0, start - 30): start]
        labelled = bool(words.published.search(before))
        if parsed is not None and parsed <= fetched_at and not words.updated.search(before) \
                and (labelled or not labelled_only):
            candidates.append((not labelled, start, parsed))

    by_grammar = zone is not None and grammar_for(language) is not None
    if zone is not None and by_grammar:
        for found in written_dates(head_text, zone, fetched_at, language):
            consider(found.at, found.when)
    for pattern in words.patterns if by_grammar else (*words.numbers, *words.patterns):
        for match in pattern.finditer(head_text):
            consider(match.start(), _parse(match, language, words))
    return min(candidates)[2] if candidates else None


def _closing_date(tail_text: str, language: str | None, fetched_at: datetime, zone: ZoneInfo) -> datetime | None:
    """A date that closes the text on a short line of its own: a notice's signing date, a
    magazine's issue (——《北京之春》1998年3月号); not the dates of replies under a post."""
    lines = [line.strip() for line in tail_text.split("\n") if line.strip()][-CLOSING_LINES:]
    tail_text = "\n".join(line for line in lines if len(line) <= CLOSING_LINE_CHARACTERS)
    written = [f.when for f in written_dates(tail_text, zone, fetched_at, language) if f.when <= fetched_at]
    if written:
        return written[-1]
    issue = issue_date(tail_text, language)
    return issue if issue is not None and issue <= fetched_at else None


_SCRIPTS = re.compile(r"(?is)<(script|style)\b.*?</\1>|<!--.*?-->")
_TAGS = re.compile(r"<[^>]+>|&nbsp;")


def labelled_date(html: str, language: str | None, fetched_at: datetime, zone: ZoneInfo) -> datetime | None:
    """The first date on the page that a publication label introduces (a forum's 本贴由 X 于 …,
    发布时间：… outside the text trafilatura kept)."""
    text = _TAGS.sub(" ", _SCRIPTS.sub(" ", html))
    return byline_date(text, language, fetched_at, zone, labelled_only=True)


def _parse(match: re.Match[str], language: str | None, words: _Words) -> datetime | None:
    if match.re in words.numbers:
        year, month, day = (int(g) for g in match.groups())
        try:
            return _as_datetime(date(year, month, day))
        except ValueError:
            return None
    # dateparser reads the language's words ([dates] dateparser), or those of every language
    # that names one; 03/04/2026 is 3 April where the language writes the day first, or is unknown
    readers = {spec.code: spec.dates for spec in registry() if spec.dates.get("dateparser")}
    own = readers.get(language or "")
    languages = [own["dateparser"]] if own else [spec["dateparser"] for spec in readers.values()]
    day_first = own.get("day_first", False) if own else "/" in match.group(1)
    order = "DMY" if day_first else None
    settings = {"RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC", "PREFER_DAY_OF_MONTH": "first"}
    if order:
        settings["DATE_ORDER"] = order
    import dateparser

    parsed = dateparser.parse(match.group(1), languages=languages, settings=settings)
    return parsed.astimezone(timezone.utc) if parsed else None


def publication_date(
    html: str | None,
    markup: date | None,
    head_text: str,
    language: str | None,
    fetched_at: datetime,
    hint: datetime | None = None,
    url: str | None = None,
    tail_text: str = "",
    markup_time: datetime | None = None,
    cache_dir: Path | None = None,
) -> datetime | None:
    """The article's original publication date, by the order of trust above.

    ``markup`` is the date htmldate read from the markup without guessing
    (trafilatura computes it during extraction), and ``markup_time`` the same
    with its time when the markup states a time and its UTC offset: the moment
    is then kept, not the day at midnight UTC. The broad search of the HTML
    runs only when nothing else gives a date. Where the byline writes the same
    day with its time in the outlet's zone (``url`` tells Taipei and Hong Kong
    from Beijing), the byline's time is kept; where the markup's day is that
    time's day in UTC, the byline's local day wins. For Chinese pages a date
    closing ``tail_text``, then one the page labels as published, come before the broad search,
    which keeps dateparser's compiled patterns in ``cache_dir`` when one is given.
    """
    if markup_time is not None and markup_time <= fetched_at:
        return markup_time.astimezone(timezone.utc)
    zone = zone_for(language, url)
    written = byline_date(head_text, language, fetched_at, zone)
    if markup is not None and _as_datetime(markup) <= fetched_at:
        if zone is not None and written is not None and written.tzinfo is not timezone.utc \
                and markup in (written.date(), written.astimezone(timezone.utc).date()):
            return written
        return _as_datetime(markup)
    for found in (
        written,
        hint if hint is not None and hint <= fetched_at else None,
        _closing_date(tail_text, language, fetched_at, zone) if zone is not None and tail_text else None,
    ):
        if found is not None:
            return found
    if zone is not None and html and (labelled := labelled_date(html, language, fetched_at, zone)) is not None:
        return labelled
    return guessed_date(html, fetched_at, cache_dir) if html else None
