from datetime import datetime, timedelta, timezone

import pytest

from digest.formats import change, day, period
from digest.weeks import IsoWeek, last_complete_week

UTC = timezone.utc


def test_parse_and_print():
    week = IsoWeek.parse("2026-W48")
    assert week == IsoWeek(2026, 48)
    assert str(week) == "2026-W48"
    assert str(IsoWeek(2026, 1)) == "2026-W01"


@pytest.mark.parametrize("text", ["2026-48", "2026W48", "2026-W5", "2026-w48", "", "week 48", "26-W48", "2026-W480"])
def test_malformed_week_names_the_format(text):
    with pytest.raises(ValueError, match=r"expected YYYY-Www, e\.g\. 2026-W48"):
        IsoWeek.parse(text)


def test_week_number_must_exist_that_year():
    assert IsoWeek.parse("2026-W53").start == datetime(2026, 12, 28, tzinfo=UTC)
    with pytest.raises(ValueError, match=r"2025 has ISO weeks W01 to W52, not W53 \(expected YYYY-Www"):
        IsoWeek.parse("2025-W53")
    with pytest.raises(ValueError, match="W00"):
        IsoWeek.parse("2026-W00")


def test_bounds_are_utc_monday_to_monday():
    week = IsoWeek(2026, 48)
    assert week.start == datetime(2026, 11, 23, tzinfo=UTC)
    assert week.end == datetime(2026, 11, 30, tzinfo=UTC)
    assert week.end - week.start == timedelta(days=7)


def test_containing_counts_in_utc():
    paris = timezone(timedelta(hours=1))
    assert IsoWeek.containing(datetime(2026, 11, 30, 0, 30, tzinfo=paris)) == IsoWeek(2026, 48)
    assert IsoWeek.containing(datetime(2026, 11, 30, 0, 0, tzinfo=UTC)) == IsoWeek(2026, 49)


def test_previous_crosses_years():
    assert IsoWeek(2026, 48).previous() == IsoWeek(2026, 47)
    assert IsoWeek(2026, 1).previous() == IsoWeek(2025, 52)
    assert IsoWeek(2021, 1).previous() == IsoWeek(2020, 53)


def test_last_complete_week():
    assert last_complete_week(datetime(2026, 11, 30, 0, 0, tzinfo=UTC)) == IsoWeek(2026, 48)
    assert last_complete_week(datetime(2026, 11, 29, 23, 59, tzinfo=UTC)) == IsoWeek(2026, 47)
    assert last_complete_week(datetime(2026, 12, 3, 12, 0, tzinfo=UTC)) == IsoWeek(2026, 48)


def test_human_formats():
    assert period(IsoWeek(2026, 48)) == "23–29 November 2026"
    assert period(IsoWeek(2026, 49)) == "30 November – 6 December 2026"
    assert period(IsoWeek(2026, 53)) == "28 December 2026 – 3 January 2027"
    assert day(datetime(2026, 11, 25, 1, 0, tzinfo=timezone(timedelta(hours=8)))) == "24 Nov 2026"
    assert day(None) == "date unknown"
    assert [change(d) for d in (3, 0, -2)] == ["+3", "=", "\u22122"]
