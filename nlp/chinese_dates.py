"""Dates written with marks after their numbers, in the time zone of the outlet.

2024年3月12日 14:30, 2024-3-12 14:30:05, 民國113年3月12日 and Taiwan's
113年3月12日 (Republic of China years, 1911 + n), relative times read
against the fetch time (3小时前, 昨天 09:18, 今日 16:24, 剛剛), and a
year-month issue date (《北京之春》1998年3月号). A date with a time of day
keeps the outlet's zone (Beijing, Taipei, Hong Kong: ``zone_for``); a date
alone is the day, at midnight UTC, as the rest of ``nlp.dates`` gives it.

The marks and words are the language's: ``[dates.grammar]`` of its file (Chinese's
in ``core/languages/zh.toml``), made into regular expressions once per language
(``grammar_for``). A language without that table has none of these readings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from core.errors import VeilleError
from core.languages import Registry, registry
from nlp.extraction_rules import rules_for

DATELINE_MAX_CHARACTERS = 40
UNITS = {"minutes": timedelta(minutes=1), "hours": timedelta(hours=1), "days": timedelta(days=1)}
"""What ``[dates.grammar.units]`` may call a unit of time before the ``ago`` word."""
_LISTS = ("year", "month", "day", "era", "before_time", "weekday_prefixes", "weekdays", "half_days", "afternoon",
          "hour_marks", "minute_marks", "issue", "just_now", "ago")
_KEYS = {*_LISTS, "era_offset", "era_bare_years", "units", "days_back"}


class DateGrammarError(VeilleError):
    """A language's ``[dates.grammar]`` cannot be used as written; the message names the language and key."""


@dataclass(frozen=True)
class Grammar:
    """One language's date grammar, as regular expressions and the tables that read their matches."""

    marked_date: re.Pattern[str]  # 2024年3月12日 14:30, 民國113年3月12日: era, year, month, day, the time's groups
    numeric_date: re.Pattern[str]  # 2024-3-12 14:30:05: year, month, day, the time's groups
    issue: re.Pattern[str]  # 1998年3月号: year, month
    ago: re.Pattern[str]  # 3小时前: the amount, the unit
    just_now: re.Pattern[str]
    day_word: re.Pattern[str]  # 昨天 09:18: the day's word, hour, minute
    units: Mapping[str, timedelta]
    days_back: Mapping[str, int]
    afternoon: frozenset[str]
    era_offset: int
    era_bare_years: tuple[int, int] | None


def _alternation(words: Iterable[str]) -> str:
    """Words as the branches of a regular expression, longest first; one that matches nothing when none."""
    return "|".join(re.escape(w) for w in sorted(dict.fromkeys(words), key=len, reverse=True)) or "(?!)"


def _compile(language: str, words: Mapping[str, Any]) -> Grammar:
    unknown = set(words) - _KEYS
    if unknown:
        raise DateGrammarError(f"[{language}] [dates.grammar] unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    for key in _LISTS:
        if not isinstance(words.get(key, []), list) or not all(isinstance(w, str) and w for w in words.get(key, [])):
            raise DateGrammarError(f"[{language}] [dates.grammar] {key} must be a list of words")
    units = dict(words.get("units", {}))
    if bad := sorted(word for word, unit in units.items() if unit not in UNITS):
        raise DateGrammarError(f"[{language}] [dates.grammar.units] {bad}: a unit is one of {sorted(UNITS)}")
    days_back = dict(words.get("days_back", {}))
    if bad := sorted(word for word, days in days_back.items() if not isinstance(days, int) or days < 0):
        raise DateGrammarError(f"[{language}] [dates.grammar.days_back] {bad}: a number of days (0: the fetch's day)")
    if words.get("era") and not isinstance(words.get("era_offset"), int):
        raise DateGrammarError(f"[{language}] [dates.grammar] era needs era_offset, the year before the era's year 1")
    bare = words.get("era_bare_years")
    if bare is not None and not (isinstance(bare, list) and len(bare) == 2 and all(isinstance(y, int) for y in bare)):
        raise DateGrammarError(f"[{language}] [dates.grammar] era_bare_years is a first and a last year: [100, 200]")

    def any_of(key: str) -> str:
        return _alternation(words.get(key, []))

    year, month, day = any_of("year"), any_of("month"), any_of("day")
    weekdays = any_of("weekdays")
    # Possessive spaces (``\s*+``): what follows each run never starts with a space, so giving a run
    # back cannot make a match, and trying every split of a long run between the four runs in a row
    # took seconds per date on pages whose text is mostly spaces.
    clock = (rf"(?:\s*+(?:{any_of('before_time')}|[,，])?\s*+"
             rf"(?:(?:{any_of('weekday_prefixes')}).|\((?:{weekdays})\)|（(?:{weekdays})）)?\s*+"
             rf"({_alternation([*words.get('half_days', []), *words.get('afternoon', [])])})?\s*+(\d{{1,2}})\s*+"
             rf"(?:[:：]|{any_of('hour_marks')})\s*+(\d{{2}})(?:\s*+(?:[:：]|{any_of('minute_marks')})\s*+(\d{{2}}))?)?")
    return Grammar(
        # A date not introduced by its era starts where the spaces before it start, as a plain leading
        # ``\s*`` would make it start, but is not tried again at each space of the run: a page's text
        # with its tags blanked holds runs of thousands of spaces, which cost that search quadratic time.
        marked_date=re.compile(rf"(?:({any_of('era')})|(?<!\s))\s*(\d{{2,4}})\s*(?:{year})\s*(\d{{1,2}})\s*(?:{month})"
                               rf"\s*(\d{{1,2}})\s*(?:{day})" + clock),
        numeric_date=re.compile(r"(?<![\d.])((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])" + clock),
        issue=re.compile(rf"(?<!\d)((?:19|20)\d{{2}})\s*(?:{year})\s*(\d{{1,2}})\s*(?:{month})\s*(?:{any_of('issue')})?"
                         rf"(?!\s*\d{{1,2}}\s*(?:{day}))"),
        ago=re.compile(rf"(\d{{1,3}})\s*({_alternation(units)})\s*(?:{any_of('ago')})"),
        just_now=re.compile(any_of("just_now")),
        day_word=re.compile(rf"({_alternation(days_back)})\s*(\d{{1,2}})[:：](\d{{2}})"),
        units={word: UNITS[unit] for word, unit in units.items()},
        days_back=days_back,
        afternoon=frozenset(words.get("afternoon", [])),
        era_offset=int(words.get("era_offset", 0)),
        era_bare_years=(bare[0], bare[1]) if bare else None,
    )


@cache
def _grammars(languages: Registry) -> dict[str, Grammar]:
    """The date grammar of every language whose ``[dates]`` has a ``grammar`` table."""
    found = {}
    for spec in languages:
        words = spec.dates.get("grammar")
        if words is None:
            continue
        if not isinstance(words, Mapping):
            raise DateGrammarError(f"[{spec.code}] [dates] grammar must be a table ([dates.grammar])")
        found[spec.code] = _compile(spec.code, words)
    return found


def grammar_for(language: str | None) -> Grammar | None:
    """The language's date grammar, or None when its file gives none."""
    return _grammars(registry()).get(language or "")


@dataclass(frozen=True)
class Found:
    at: int  # where in the text
    when: datetime
    has_time: bool


def zone_for(language: str | None, url: str | None) -> ZoneInfo | None:
    """The outlet's time zone: by the URL's country domain (.tw, .hk, .mo), else the language's own."""
    rules = rules_for(language)
    host = urlsplit(url).hostname or "" if url else ""
    suffix = host.rsplit(".", 1)[-1] if host else ""
    name = rules.timezones_by_domain.get(suffix) or rules.timezone
    return ZoneInfo(name) if name else None


def _year(written: str, era: str | None, grammar: Grammar) -> int | None:
    year = int(written)
    bare = grammar.era_bare_years
    if era or bare is not None and bare[0] <= year <= bare[1] and len(written) == 3:  # 113年: Taiwan's own count
        return year + grammar.era_offset
    return year if len(written) == 4 else None


def _clock(afternoon: frozenset[str], half: str | None, hour: str | None, minute: str | None,
           second: str | None) -> time | None:
    if hour is None:
        return None
    hours = int(hour) + (12 if half in afternoon and int(hour) < 12 else 0)
    try:
        return time(hours, int(minute or 0), int(second or 0))
    except ValueError:
        return None


def _at(day: date, clock: time | None, zone: ZoneInfo) -> datetime:
    if clock is None:
        return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)
    return datetime.combine(day, clock, tzinfo=zone)


def written_dates(text: str, zone: ZoneInfo, fetched_at: datetime, language: str | None) -> list[Found]:
    """Every full date written in ``text`` by the language's grammar, absolute or relative to
    ``fetched_at``; none for a language without one."""
    grammar = grammar_for(language)
    if grammar is None:
        return []
    found: list[Found] = []
    for match in grammar.marked_date.finditer(text):
        era, year, month, day, *clock = match.groups()
        if (full_year := _year(year, era, grammar)) is not None:
            _add(found, match.start(), full_year, int(month), int(day), _clock(grammar.afternoon, *clock), zone)
    for match in grammar.numeric_date.finditer(text):
        year, month, day, *clock = match.groups()
        _add(found, match.start(), int(year), int(month), int(day), _clock(grammar.afternoon, *clock), zone)
    local_now = fetched_at.astimezone(zone)
    for match in grammar.ago.finditer(text):
        if not _on_a_dateline(text, match):
            continue
        unit = grammar.units[match.group(2)]
        found.append(Found(match.start(), (local_now - int(match.group(1)) * unit).replace(second=0, microsecond=0),
                           unit != UNITS["days"]))
    for match in grammar.just_now.finditer(text):
        if not _on_a_dateline(text, match):
            continue
        found.append(Found(match.start(), local_now.replace(second=0, microsecond=0), True))
    for match in grammar.day_word.finditer(text):
        if not _on_a_dateline(text, match):
            continue
        day = local_now.date() - timedelta(days=grammar.days_back[match.group(1)])
        at = _clock(grammar.afternoon, None, match.group(2), match.group(3), None)
        if at is not None:
            found.append(Found(match.start(), datetime.combine(day, at, tzinfo=zone), True))
    return sorted(found, key=lambda f: f.at)


def _on_a_dateline(text: str, match: re.Match[str]) -> bool:
    """A relative time counts on a short line of its own (时事脉搏 ｜ 今日 09:18), not in prose
    (他刚才说, 三天前的会议)."""
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return len(text[start: end if end >= 0 else len(text)].strip()) <= DATELINE_MAX_CHARACTERS


def _add(found: list[Found], at: int, year: int, month: int, day: int, clock: time | None, zone: ZoneInfo) -> None:
    try:
        found.append(Found(at, _at(date(year, month, day), clock, zone), clock is not None))
    except ValueError:
        pass


def issue_date(text: str, language: str | None) -> datetime | None:
    """The last year-month written in ``text`` (a magazine issue, a report's month), as its first day,
    by the language's grammar; None for a language without one."""
    grammar = grammar_for(language)
    matches = list(grammar.issue.finditer(text)) if grammar is not None else []
    for match in reversed(matches):
        try:
            return datetime(int(match.group(1)), int(match.group(2)), 1, tzinfo=timezone.utc)
        except ValueError:
            continue
    return None
