"""Publication dates from bylines in English, French and Chinese, and the order of trust."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from nlp.dates import byline_date, publication_date

FETCHED = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("head", "language", "expected"),
    [
        ("发布时间：2005-5-7 21:23:57 来源：新华网", "zh", date(2005, 5, 7)),
        ("2026年3月12日 09:30 来源：人民网", "zh", date(2026, 3, 12)),
        ("相关阅读 2026/01/02 旧闻 发布时间：2026/03/12", "zh", date(2026, 3, 12)),  # the labelled one
        ("Par Claire Dupont · Publié le 12 mars 2025 à 10h", "fr", date(2025, 3, 12)),
        ("Mis à jour le 14 mars 2025 · Publié le 12 mars 2025", "fr", date(2025, 3, 12)),
        ("By Jane Roe | November 12, 2026", "en", date(2026, 11, 12)),
        ("Updated Nov. 20, 2026. Published Nov. 12, 2026", "en", date(2026, 11, 12)),
        ("12 November 2026 — HANGZHOU", "en", date(2026, 11, 12)),
    ],
)
def test_byline_dates(head, language, expected):
    found = byline_date(head, language, FETCHED)
    assert found is not None and found.date() == expected


def test_a_date_after_the_fetch_is_never_taken():
    assert byline_date("Published December 25, 2026", "en", FETCHED) is None
    assert publication_date(None, date(2027, 1, 1), "no date here", "en", FETCHED) is None


def test_markup_comes_before_byline_and_byline_before_feed():
    hint = datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert publication_date(None, date(2026, 11, 10), "November 12, 2026", "en", FETCHED, hint).date() == date(2026, 11, 10)
    assert publication_date(None, None, "November 12, 2026", "en", FETCHED, hint).date() == date(2026, 11, 12)
    assert publication_date(None, None, "no date", "en", FETCHED, hint) == hint


def test_a_markup_time_with_its_offset_is_kept_as_that_moment():
    moment = datetime.fromisoformat("2026-11-23T07:05:00+08:00")  # Sunday 23:05 UTC
    found = publication_date(None, date(2026, 11, 23), "", "zh", FETCHED, None, moment)
    assert found == datetime(2026, 11, 22, 23, 5, tzinfo=timezone.utc) and found.tzinfo == timezone.utc
    later = datetime.fromisoformat("2026-11-28T21:00:00+08:00")  # after the fetch: the day is still taken
    assert publication_date(None, date(2026, 11, 27), "", "zh", FETCHED, None, later) == datetime(
        2026, 11, 27, tzinfo=timezone.utc)
