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
_HAN_NAMES = r"[\u4e00-\u9fff·]{2,4}(?:[、,， ](?!时间|時間|日期|来源|來源|编辑|編輯|发布|發布)[\u4e00-\u9fff·]{2,4}){0,5}"
_BYLINE_AUTHOR = [
    # 作者：X; 记者 X; 本报记者X; 文/X; X/文; 本贴由 X 于 (forums); (记者 X) at the end of a dispatch
    re.compile(rf"(?:作者|作\s者)\s*[:：|丨]\s*({_HAN_NAMES})(?![\u4e00-\u9fff])"),
    re.compile(rf"(?:(?:记者|記者|执笔人|撰文)\s*[:：/／丨]?|(?<![\u4e00-\u9fff])文\s*[:：/／])\s*({_HAN_NAMES})(?=\s*[/／]?\s*(?:文|摄|报道|發自|发自)?(?:[\s)）]|$))"),
    re.compile(rf"(?<![\u4e00-\u9fff])({_HAN_NAMES})\s*[/／]\s*文(?![\u4e00-\u9fff])"),
    re.compile(r"本贴由\s*(\S{2,20})\s*于"),
    re.compile(r"\bPar\s+((?:[A-ZÉÈ][\w'’-]+\s?){2,3})", re.UNICODE),
    re.compile(r"\bBy\s+((?:[A-Z][\w'’.-]+\s?){2,3})"),
]
_BYLINE_EDITOR = re.compile(rf"(?:责任编辑|責任編輯|编辑|編輯)\s*[:：]\s*({_HAN_NAMES})(?![\u4e00-\u9fff])")
_SIGNATURE = re.compile(rf"[（(]\s*(?:记者|記者|本报记者)?\s*({_HAN_NAMES})\s*(?:\S{{2}}报道)?\s*[)）]\s*$")
_NOT_A_HAN_NAME = re.compile(r"手记|简介|文章|联系|采访|了解|来源|的|新闻|报道|本报|编辑|记者|网|社|报$")

_MONTH = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_TRAILING_DATE = re.compile(rf"\s+(?:{_MONTH})\.?(?:\s+\d.*)?$", re.IGNORECASE)
_NOT_A_NAME = re.compile(
    r"\d|published|publié|updated|mis à jour|opinion|tribune|monday|tuesday|wednesday|thursday|friday|"
    rf"saturday|sunday|^(?:{_MONTH})\.?$|washington|来源|記者|记者",
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
    markup_time: datetime | None = None  # that date with its time, when the markup states a time and its offset


@dataclass(frozen=True)
class NoArticle:
    reason: str


def _name(match: re.Match[str]) -> str | None:
    name = re.sub(r"\s+", " ", match.group(1)).strip(" ,，、")
    return None if _NOT_A_HAN_NAME.search(name) else name


def _byline_author(text: str, patterns: list[re.Pattern[str]] = _BYLINE_AUTHOR) -> str | None:
    for pattern in patterns:
        for match in pattern.finditer(text):
            if name := _name(match):
                return name
    return None


def _chinese_author(head: str, tail: str, html: str) -> str | None:
    """A Chinese byline: in the text's head, its closing signature, or the page around the text.

    Chinese pages often put the byline outside the article body trafilatura
    keeps (in a header line, or after the text); the editor in charge is the
    last resort, as readers of those pages take it.
    """
    if found := _byline_author(head) or _byline_author(tail):
        return found
    if (match := _SIGNATURE.search(tail)) and (name := _name(match)):
        return name
    page = _TAGS.sub(" ", _SCRIPTS.sub(" ", html))
    return _byline_author(page, _BYLINE_AUTHOR[:4]) or _byline_author(page, [_BYLINE_EDITOR])


_SCRIPTS = re.compile(r"(?is)<(script|style)\b.*?</\1>")
_TAGS = re.compile(r"<[^>]+>|&nbsp;")


def _clean_author(author: str | None) -> str | None:
    """trafilatura sometimes glues a date or "Published" onto the author."""
    if not author:
        return None
    parts = [re.sub(r"^(?:by|par)\s+", "", p.strip(), flags=re.IGNORECASE) for p in re.split(r"[;|·•]", author)]
    parts = [_TRAILING_DATE.sub("", p).strip() for p in parts]
    kept = [p for p in parts if p and not _NOT_A_NAME.search(p)]
    return "; ".join(kept) or None


def is_long_enough(text: str) -> bool:
    cjk = len(_CJK.findall(text[:5000]))
    if cjk > len(text[:5000]) * 0.3:
        return len(text) >= MIN_CHARACTERS["zh"]
    return len(text) >= MIN_CHARACTERS_DEFAULT


MARKUP_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
"""How htmldate returns the markup's date: with its time and offset when the page states them."""


def _markup_time(found: str | None) -> datetime | None:
    """The moment a markup date states, or None when it states no time zone (a date, or a local time)."""
    try:
        moment = datetime.strptime(found or "", MARKUP_FORMAT)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _date_params(fetched_at: datetime | None) -> dict:
    """htmldate without its broad search: only dates the markup declares.

    The broad search (and its all-locales date parsing) is slow and guesses;
    ``nlp.dates`` reads the byline first and keeps the guess as a last resort.
    """
    params: dict = {"original_date": True, "extensive_search": False, "outputformat": MARKUP_FORMAT}
    if fetched_at is not None:
        params["max_date"] = fetched_at.strftime("%Y-%m-%d")
    return params


def trafilatura_options(url: str, fetched_at: datetime | None = None) -> dict:
    """The arguments ``extract`` gives ``trafilatura.bare_extraction`` besides the page."""
    return {"url": url, "with_metadata": True, "include_comments": False, "include_tables": True,
            "date_extraction_params": _date_params(fetched_at)}


def extract(html: str, url: str, body_xpath: str | None = None,
            fetched_at: datetime | None = None) -> Extracted | NoArticle:
    """The article in ``html``, or why there is none."""
    options = trafilatura_options(url, fetched_at)
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
                return _result(document.as_dict(), text.strip(), html)
    document = trafilatura.bare_extraction(html, **options)
    if document is None:
        return NoArticle("no_text")
    data = document.as_dict()
    text = (data.get("text") or "").strip()
    if not text:
        return NoArticle("no_text")
    if not is_long_enough(text):
        return NoArticle("too_short")
    return _result(data, text, html)


def _result(data: dict, text: str, html: str) -> Extracted:
    title = (data.get("title") or "").strip() or None
    first_line, _, rest = text.partition("\n")
    if title and first_line.strip() == title and rest.strip():  # the headline repeated as the first line
        text = rest.lstrip()
    head = text[:400]
    author = _clean_author(data.get("author"))
    if not author:
        chinese = len(_CJK.findall(head)) > len(head) * 0.3
        author = _chinese_author(head, text[-300:], html) if chinese else _byline_author(head)
    found = data.get("date")
    return Extracted(
        title=title,
        author=author,
        site_name=(data.get("sitename") or "").strip() or None,
        text=text,
        head_text=head,
        markup_date=date.fromisoformat(found[:10]) if found else None,
        markup_time=_markup_time(found),
    )
