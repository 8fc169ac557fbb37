"""Article extraction: main text and metadata from a decoded HTML page.

trafilatura does the heavy lifting. veille adds what news monitoring needs on
top: comments left out, the publication date by a stricter order of trust
(``nlp.dates``), an author read from the byline when the markup has none
(Chinese bylines in particular), and a reason recorded for every page that
yields no article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import trafilatura

MIN_CHARACTERS = {"zh": 120, "ja": 120, "ko": 120}
MIN_CHARACTERS_DEFAULT = 300
_CJK = re.compile(r"[\u3400-\u9fff]")
_BYLINE_AUTHOR = [
    re.compile(r"(?:作者|记者|記者|编辑|編輯)\s*[:：|丨]?\s*([\u4e00-\u9fff·]{2,4}(?:[、,，][\u4e00-\u9fff·]{2,4})*)(?![\u4e00-\u9fff])"),
    re.compile(r"\bPar\s+((?:[A-ZÉÈ][\w'’-]+\s?){2,3})", re.UNICODE),
    re.compile(r"\bBy\s+((?:[A-Z][\w'’.-]+\s?){2,3})"),
]


_NOT_A_NAME = re.compile(
    r"\d|published|publié|updated|mis à jour|opinion|tribune|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|\b(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$|washington|来源|記者|记者",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Extracted:
    title: str | None
    author: str | None
    site_name: str | None
    text: str
    head_text: str  # the beginning of the text (headline, byline), for dates
    markup_date: date | None = None  # the original date the page's markup declares


@dataclass(frozen=True)
class NoArticle:
    reason: str


def _byline_author(text: str) -> str | None:
    for pattern in _BYLINE_AUTHOR:
        match = pattern.search(text)
        if match:
            return re.sub(r"\s+", " ", match.group(1)).strip(" ,，、")
    return None


def _clean_author(author: str | None) -> str | None:
    """trafilatura sometimes glues a date or "Published" onto the author."""
    if not author:
        return None
    parts = [re.sub(r"^(?:by|par)\s+", "", p.strip(), flags=re.IGNORECASE) for p in re.split(r"[;|·•]", author)]
    kept = [p for p in parts if p and not _NOT_A_NAME.search(p)]
    return "; ".join(kept) or None


def is_long_enough(text: str) -> bool:
    cjk = len(_CJK.findall(text[:5000]))
    if cjk > len(text[:5000]) * 0.3:
        return len(text) >= MIN_CHARACTERS["zh"]
    return len(text) >= MIN_CHARACTERS_DEFAULT


def _date_params(fetched_at: datetime | None) -> dict:
    """htmldate without its broad search: only dates the markup declares.

    The broad search (and its all-locales date parsing) is slow and guesses;
    ``nlp.dates`` reads the byline first and keeps the guess as a last resort.
    """
    params: dict = {"original_date": True, "extensive_search": False}
    if fetched_at is not None:
        params["max_date"] = fetched_at.strftime("%Y-%m-%d")
    return params


def extract(html: str, url: str, body_xpath: str | None = None,
            fetched_at: datetime | None = None) -> Extracted | NoArticle:
    """The article in ``html``, or why there is none."""
    options = {"url": url, "with_metadata": True, "include_comments": False,
               "date_extraction_params": _date_params(fetched_at)}
    if body_xpath:
        from lxml import html as lxml_html

        try:
            tree = lxml_html.fromstring(html)
            nodes = tree.xpath(body_xpath)
        except Exception:  # a bad hint must not lose the page: fall back to trafilatura alone
            nodes = []
        if nodes:
            text = "\n".join(n.text_content().strip() for n in nodes if hasattr(n, "text_content"))
            document = trafilatura.bare_extraction(html, **options)
            if document is not None and text.strip():
                return _result(document.as_dict(), text.strip())
    document = trafilatura.bare_extraction(html, include_tables=True, **options)
    if document is None:
        return NoArticle("no_text")
    data = document.as_dict()
    text = (data.get("text") or "").strip()
    if not text:
        return NoArticle("no_text")
    if not is_long_enough(text):
        return NoArticle("too_short")
    return _result(data, text)


def _result(data: dict, text: str) -> Extracted:
    title = (data.get("title") or "").strip() or None
    if title and text.startswith(title):
        text = text[len(title):].lstrip()
    head = text[:400]
    author = _clean_author(data.get("author")) or _byline_author(head)
    found = data.get("date")
    return Extracted(
        title=title,
        author=author,
        site_name=(data.get("sitename") or "").strip() or None,
        text=text,
        head_text=head,
        markup_date=date.fromisoformat(found[:10]) if found else None,
    )
