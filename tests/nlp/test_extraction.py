"""Extraction from stored fixture pages: charset, text, title, author and date."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from nlp.charset import decode_html
from nlp.dates import publication_date
from nlp.extraction import Extracted, NoArticle, extract

DATA = Path(__file__).with_name("data") / "extraction"
FETCHED = datetime(2026, 11, 28, tzinfo=timezone.utc)


def _extract(name: str) -> tuple[str, Extracted]:
    html, _ = decode_html((DATA / name).read_bytes())
    result = extract(html, f"https://example.org/{name}", fetched_at=FETCHED)
    assert isinstance(result, Extracted), result
    return html, result


def test_gbk_page_behind_a_wrapper_line_with_a_chinese_byline():
    html, article = _extract("gbk-wrapper-byline.html")
    assert decode_html((DATA / "gbk-wrapper-byline.html").read_bytes())[1] == "gb18030"
    assert "深度求索周一在其官方网站" in article.text
    assert "责任编辑" not in article.text
    assert article.author == "王小明"  # the author, not the editor in charge
    found = publication_date(html, article.markup_date, article.head_text, "zh", FETCHED)
    assert found is not None and found.date() == date(2005, 5, 7)


def test_a_stray_byte_does_not_discard_the_declared_charset():
    text, codec = decode_html((DATA / "gbk-stray-byte.html").read_bytes())
    assert codec == "gb18030"
    assert "分析人士指出" in text and text.count("\ufffd") == 1


def test_author_loses_a_glued_month_and_keeps_a_name_that_starts_like_one():
    assert _extract("author-glued-month.html")[1].author == "Laura June Topolsky"
    assert _extract("author-marathe.html")[1].author == "Nikhil Marathe"


def test_a_text_that_begins_with_the_headline_words_keeps_them():
    article = _extract("author-glued-month.html")[1]
    assert article.title == "Apple opens its model weights"
    assert article.text.startswith("Apple published the weights")


def test_a_page_without_an_article_says_why():
    listing = "<html><body><ul>" + "".join(f"<li><a href='/a{i}'>Item {i}</a></li>" for i in range(5)) + "</ul></body></html>"
    result = extract(listing, "https://example.org/", fetched_at=FETCHED)
    assert isinstance(result, NoArticle) and result.reason in {"no_text", "too_short"}


def test_a_markup_time_with_its_offset_is_read_with_the_date():
    html, article = _extract("published-time-offset.html")
    assert article.markup_date == date(2026, 11, 23)
    assert article.markup_time == datetime.fromisoformat("2026-11-23T07:05:00+08:00")
    found = publication_date(html, article.markup_date, article.head_text, "zh", FETCHED, None, article.markup_time)
    assert found == datetime(2026, 11, 22, 23, 5, tzinfo=timezone.utc)


def test_a_markup_date_without_a_time_stays_a_day():
    _, article = _extract("published-day-only.html")
    assert article.markup_date == date(2026, 11, 23) and article.markup_time is None
