"""Publication dates from bylines in English, French and Chinese, and the order of trust."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

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


TAIPEI = ZoneInfo("Asia/Taipei")
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("head", "url", "expected"),
    [
        ("中央社記者 民國112年8月23日 電", "https://www.cna.com.tw/news/1.aspx", datetime(2023, 8, 23, tzinfo=timezone.utc)),
        ("發布時間：112年08月23日 14:05", "https://news.pts.org.tw/article/1", datetime(2023, 8, 23, 14, 5, tzinfo=TAIPEI)),
        ("发布时间：2005-5-7 21:23:57 来源：新华网", "https://news.example.cn/a", datetime(2005, 5, 7, 21, 23, 57, tzinfo=BEIJING)),
        ("2024年3月12日 下午3:30 星期二", "https://example.cn/a", datetime(2024, 3, 12, 15, 30, tzinfo=BEIJING)),
        ("3小时前 来源：观察者网", "https://www.guancha.cn/a", datetime(2026, 11, 28, 17, 0, tzinfo=BEIJING)),
        ("時事脈搏 ｜ 今日 09:18", "https://www2.hkej.com/a", datetime(2026, 11, 28, 9, 18, tzinfo=ZoneInfo("Asia/Hong_Kong"))),
        ("昨天 23:50", "https://example.com.tw/a", datetime(2026, 11, 27, 23, 50, tzinfo=TAIPEI)),
    ],
)
def test_chinese_dates_with_their_time_zone(head, url, expected):
    found = publication_date(None, None, head, "zh", FETCHED, url=url)
    assert found == expected and found.utcoffset() == expected.utcoffset()


def test_a_byline_time_wins_over_the_markup_day_it_agrees_with():
    # markup read in UTC says the 8th; the byline says 07:30 on the 9th in Hong Kong, the 8th in UTC
    found = publication_date(None, date(2017, 9, 8), "2017年9月9日 07:30", "zh", FETCHED, url="https://hd.stheadline.com/a")
    assert found == datetime(2017, 9, 9, 7, 30, tzinfo=ZoneInfo("Asia/Hong_Kong"))
    # a byline date on another day does not move the markup's
    assert publication_date(None, date(2017, 9, 1), "2017年9月9日 07:30", "zh", FETCHED).date() == date(2017, 9, 1)


def test_a_closing_date_comes_before_the_broad_search_and_replies_do_not_count():
    tail = "……共产党的犬儒主义也就走到了它的极点。\n——《北京之春》1998年3月号"
    assert publication_date(None, None, "犬儒病", "zh", FETCHED, tail_text=tail).date() == date(1998, 3, 1)
    replies = "楼主说得好，我完全同意你的看法，这件事情确实应该这样处理。发表于 2005-08-30 10:00 回复我也觉得这样很好。"
    assert publication_date(None, None, "无日期", "zh", FETCHED, tail_text=replies) is None


def test_english_and_french_keep_their_day_at_midnight_utc():
    found = publication_date(None, None, "Published 2026-03-12 14:30", "en", FETCHED, url="https://example.tw/a")
    assert found == datetime(2026, 3, 12, tzinfo=timezone.utc)


def test_relative_words_in_prose_are_not_dates():
    head = "发布会上，他刚才说明了模型的开源计划，并回顾了三天前的会议上各方提出的意见，表示会继续开放权重。"
    assert publication_date(None, None, head, "zh", FETCHED, url="https://example.cn/a") is None


def test_a_markup_time_with_its_offset_is_kept_as_that_moment():
    moment = datetime.fromisoformat("2026-11-23T07:05:00+08:00")  # Sunday 23:05 UTC
    found = publication_date(None, date(2026, 11, 23), "", "zh", FETCHED, markup_time=moment)
    assert found == datetime(2026, 11, 22, 23, 5, tzinfo=timezone.utc) and found.tzinfo == timezone.utc
    later = datetime.fromisoformat("2026-11-28T21:00:00+08:00")  # after the fetch: the day is still taken
    assert publication_date(None, date(2026, 11, 27), "", "zh", FETCHED, markup_time=later) == datetime(
        2026, 11, 27, tzinfo=timezone.utc)


def test_a_date_the_page_labels_as_published_comes_before_the_broad_search():
    # a forum post whose date stands in a footer outside the text trafilatura keeps
    html = ("<html><body><p>更多帖子 2005年12月9日</p><div>所以爱是什么，爱是由接受的人决定的。</div>"
            "<p><center>本贴由<b>大卫</b>于2005年8月12日16:12:21在〖心灵花园〗发表</center></p></body></html>")
    found = publication_date(html, None, "所以爱是什么", "zh", FETCHED, url="http://bj3.netsh.com/bbs/5234.html")
    assert found == datetime(2005, 8, 12, 16, 12, 21, tzinfo=ZoneInfo("Asia/Shanghai"))
    # a date the page gives without a label is left to the broad search
    assert byline_date("大卫 2005年8月12日", "zh", FETCHED, ZoneInfo("Asia/Shanghai"), labelled_only=True) is None


@pytest.mark.parametrize("pattern", ["marked_date", "numeric_date"])
def test_chinese_date_patterns_match_as_their_plain_forms_do(pattern: str) -> None:
    """The possessive spaces and the lookbehind only spare backtracking: the same matches as
    the patterns written with plain ``\\s*``, on texts with runs of spaces where they mattered."""
    from nlp.chinese_dates import grammar_for

    fast = getattr(grammar_for("zh"), pattern)
    plain = re.compile(fast.pattern.replace(r"\s*+", r"\s*").replace(r"(?:(民國|民国)|(?<!\s))", "(民國|民国)?"))
    assert r"\s*+" in fast.pattern and r"\s*+" not in plain.pattern and r"(?<!\s)" not in plain.pattern
    spaces = " \t " * 20
    texts = [
        f"{spaces}2024年3月12日{spaces}星期二{spaces}下午 3:05{spaces}x",
        f"来源 {spaces}民國113年3月12日{spaces}（三）  凌晨 1時05分 07 {spaces}",
        f"x  民国 113 年 3 月 12 日 ， 週二 (二) 14 : 30 : 05{spaces}12024年1月1日",
        f"2024-03-12{spaces}（三）{spaces}14:30{spaces}2024/3/12 12:00 {spaces}2024.3.1",
        f"{spaces}\u3000\u30002024年1月2日{spaces}2024年1月2日 12{spaces}:{spaces}30",
    ]
    for text in texts:
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == \
            [(m.span(), m.groups()) for m in plain.finditer(text)]


def test_date_marks_are_the_language_files(tmp_path) -> None:
    """A language file gives its own marks ([dates.grammar]); one without them has none of these readings."""
    from core import languages
    from nlp.chinese_dates import DateGrammarError, issue_date, written_dates

    assert written_dates("2024年3月12日 14:30 3小时前", BEIJING, FETCHED, "en") == []
    assert issue_date("1998年3月号", "en") is None and issue_date("1998年3月号", "zh") == datetime(1998, 3, 1, tzinfo=timezone.utc)
    (tmp_path / "xx.toml").write_text('name = "Marked"\n[dates.grammar]\nyear = ["Y"]\nmonth = ["M"]\nday = ["D"]\n'
                                      'hour_marks = ["h"]\nago = ["ago"]\n[dates.grammar.units]\nhrs = "hours"\n')
    languages.use_extra(tmp_path)
    try:
        found = written_dates("2024Y3M12D 14h30\n2 hrs ago", BEIJING, FETCHED, "xx")
        assert [f.when for f in found] == [datetime(2024, 3, 12, 14, 30, tzinfo=BEIJING),
                                           datetime(2026, 11, 28, 18, 0, tzinfo=BEIJING)]
        assert written_dates("2024年3月12日 3小时前", BEIJING, FETCHED, "xx") == []
    finally:
        languages.reset()
    (tmp_path / "xx.toml").write_text('name = "Marked"\n[dates.grammar.units]\nhrs = "fortnights"\n')
    languages.use_extra(tmp_path)
    try:
        with pytest.raises(DateGrammarError, match=r"\[xx\] \[dates.grammar.units\] \['hrs'\]"):
            written_dates("2 hrs ago", BEIJING, FETCHED, "xx")
    finally:
        languages.reset()
