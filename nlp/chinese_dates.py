"""Dates as Chinese pages write them, in the time zone of the outlet.

2024年3月12日 14:30, 2024-3-12 14:30:05, 民國113年3月12日 and Taiwan's
113年3月12日 (Republic of China years, 1911 + n), relative times read
against the fetch time (3小时前, 昨天 09:18, 今日 16:24, 剛剛), and a
year-month issue date (《北京之春》1998年3月号). A date with a time of day
keeps the outlet's zone (Beijing, Taipei, Hong Kong: ``zone_for``); a date
alone is the day, at midnight UTC, as the rest of ``nlp.dates`` gives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from nlp.extraction_rules import rules_for

ROC_OFFSET = 1911  # 民國1年 is 1912
DATELINE_MAX_CHARACTERS = 40
# Possessive spaces (``\s*+``): what follows each run never starts with a space, so giving a run
# back cannot make a match, and trying every split of a long run between the four runs in a row
# took seconds per date on pages whose text is mostly spaces.
_TIME = (r"(?:\s*+(?:日|[,，])?\s*+(?:星期.|週.|周.|\([一二三四五六日天]\)|（[一二三四五六日天]）)?\s*+"
         r"(上午|下午|早上|晚上|凌晨|中午)?\s*+(\d{1,2})\s*+[:：時时点點]\s*+(\d{2})(?:\s*+[:：分]\s*+(\d{2}))?)?")
# A date not introduced by 民國 starts where the spaces before it start, as a plain leading
# ``\s*`` would make it start, but is not tried again at each space of the run: a page's text
# with its tags blanked holds runs of thousands of spaces, which cost that search quadratic time.
_HAN_DATE = re.compile(r"(?:(民國|民国)|(?<!\s))\s*(\d{2,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]" + _TIME)
_NUMERIC_DATE = re.compile(r"(?<![\d.])((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])" + _TIME)
_ISSUE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(?:号|號|刊|期)?(?!\s*\d{1,2}\s*[日号號])")
_AGO = re.compile(r"(\d{1,3})\s*(分鐘|分钟|小時|小时|天|日)\s*前")
_JUST_NOW = re.compile(r"剛剛|刚刚|刚才|剛才")
_DAY_WORD = re.compile(r"(今天|今日|昨天|昨日|前天)\s*(\d{1,2})[:：](\d{2})")
_DAYS_BACK = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_AFTERNOON = {"下午", "晚上"}


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


def _year(written: str, roc: str | None) -> int | None:
    year = int(written)
    if roc or 100 <= year <= 200 and len(written) == 3:  # 113年: Taiwan's own count of years
        return year + ROC_OFFSET
    return year if len(written) == 4 else None


def _clock(half: str | None, hour: str | None, minute: str | None, second: str | None) -> time | None:
    if hour is None:
        return None
    hours = int(hour) + (12 if half in _AFTERNOON and int(hour) < 12 else 0)
    try:
        return time(hours, int(minute or 0), int(second or 0))
    except ValueError:
        return None


def _at(day: date, clock: time | None, zone: ZoneInfo) -> datetime:
    if clock is None:
        return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)
    return datetime.combine(day, clock, tzinfo=zone)


def written_dates(text: str, zone: ZoneInfo, fetched_at: datetime) -> list[Found]:
    """Every full date written in ``text``, absolute or relative to ``fetched_at``."""
    found: list[Found] = []
    for match in _HAN_DATE.finditer(text):
        roc, year, month, day, *clock = match.groups()
        if (full_year := _year(year, roc)) is not None:
            _add(found, match.start(), full_year, int(month), int(day), _clock(*clock), zone)
    for match in _NUMERIC_DATE.finditer(text):
        year, month, day, *clock = match.groups()
        _add(found, match.start(), int(year), int(month), int(day), _clock(*clock), zone)
    local_now = fetched_at.astimezone(zone)
    for match in _AGO.finditer(text):
        if not _on_a_dateline(text, match):
            continue
        amount, unit = int(match.group(1)), match.group(2)
        delta = timedelta(minutes=amount) if unit in ("分鐘", "分钟") else (
            timedelta(hours=amount) if unit in ("小時", "小时") else timedelta(days=amount))
        found.append(Found(match.start(), (local_now - delta).replace(second=0, microsecond=0), unit not in "天日"))
    for match in _JUST_NOW.finditer(text):
        if not _on_a_dateline(text, match):
            continue
        found.append(Found(match.start(), local_now.replace(second=0, microsecond=0), True))
    for match in _DAY_WORD.finditer(text):
        if not _on_a_dateline(text, match):
            continue
        day = local_now.date() - timedelta(days=_DAYS_BACK[match.group(1)])
        at = _clock(None, match.group(2), match.group(3), None)
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


def issue_date(text: str) -> datetime | None:
    """The last year-month written in ``text`` (a magazine issue, a report's month), as its first day."""
    matches = list(_ISSUE.finditer(text))
    for match in reversed(matches):
        try:
            return datetime(int(match.group(1)), int(match.group(2)), 1, tzinfo=timezone.utc)
        except ValueError:
            continue
    return None
