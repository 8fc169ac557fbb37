"""Extraction from stored fixture pages: charset, text, title, author and date."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

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


def test_a_short_chinese_flash_item_keeps_its_body_and_loses_the_portal_around_it():
    html, article = _extract("zh-portal-flash.html")
    assert "公開其語言模型的完整權重" in article.text and "並邀請學界一同評測" in article.text
    for furniture in ("最新消息", "颱風路徑南修", "熱門點閱", "編輯：", "延伸閱讀", "晶片出口管制下", "版權所有", "分享"):
        assert furniture not in article.text, furniture
    assert article.title == "開源模型再添一員 本地團隊公開權重"  # without "| 示例新聞網"
    assert article.author == "林小華"  # without 記者 and ／台北報導
    found = publication_date(html, article.markup_date, article.head_text, "zh", FETCHED,
                             url="https://news.example.com.tw/a/1", tail_text=article.tail_text)
    assert found is not None and found.date() == date(2026, 3, 12)


def test_a_table_layout_page_is_read_by_density_without_its_link_columns():
    html, article = _extract("zh-table-layout.html")
    assert article.text.startswith("本报讯") and "还有待观察" in article.text
    for furniture in ("首页", "相关报道", "开源社区年会", "发表评论", "暴利项目", "著作权声明"):
        assert furniture not in article.text, furniture
    assert article.title == "某市发布开源模型扶持办法"
    found = publication_date(html, article.markup_date, article.head_text, "zh", FETCHED, url="https://example.cn/a")
    assert found == datetime(2005, 4, 5, 6, 40, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_source_hint_selects_the_body_and_a_broken_hint_falls_back():
    html, _ = decode_html((DATA / "zh-portal-flash.html").read_bytes())
    hinted = extract(html, "https://news.example.com.tw/a/1", body_xpath='//div[@class="article"]/p', fetched_at=FETCHED)
    assert isinstance(hinted, Extracted)
    assert hinted.text.split("\n") == [
        "（示例社記者林小華台北12日電）本地一家人工智慧新創今天宣布，公開其語言模型的完整權重與訓練程式碼，開發者可依授權條款自由下載與修改。",
        "該團隊表示，模型以繁體中文語料為主，希望補足現有開源模型在在地用語上的不足，並邀請學界一同評測。",
    ]  # the hint's paragraphs, less the "popular" insert and the editor's credit
    for broken in ('//div[@class="no-such-body"]', "//div[@class="):
        fallback = extract(html, "https://news.example.com.tw/a/1", body_xpath=broken, fetched_at=FETCHED)
        assert isinstance(fallback, Extracted) and "並邀請學界一同評測" in fallback.text


def test_a_markup_time_with_its_offset_is_read_with_the_date():
    html, article = _extract("published-time-offset.html")
    assert article.markup_date == date(2026, 11, 23)
    assert article.markup_time == datetime.fromisoformat("2026-11-23T07:05:00+08:00")
    found = publication_date(html, article.markup_date, article.head_text, "zh", FETCHED, markup_time=article.markup_time)
    assert found == datetime(2026, 11, 22, 23, 5, tzinfo=timezone.utc)


def test_a_markup_date_without_a_time_stays_a_day():
    _, article = _extract("published-day-only.html")
    assert article.markup_date == date(2026, 11, 23) and article.markup_time is None


def test_copyright_lines_are_no_article_text_and_name_no_company():
    from nlp.entities import EntityMatcher, KnowledgeBase

    matcher = EntityMatcher(KnowledgeBase.load())
    for name, language, named in (("copyright-line-en.html", "en", "deepseek"),
                                  ("copyright-line-fr.html", "fr", "mistral-ai")):
        _, article = _extract(name)
        assert "Tencent" not in article.text and "rights reserved" not in article.text
        assert "droits" not in article.text
        assert article.text.rstrip().endswith("du modèle." if language == "fr" else "sensitive questions.")
        linked = {mention.entity_id for mention in matcher.analyse(article.text, language).mentions}
        assert named in linked and "tencent" not in linked
