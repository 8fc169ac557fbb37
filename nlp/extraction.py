"""Article extraction: main text and metadata from a decoded HTML page.

trafilatura does the heavy lifting. veille adds what news monitoring needs on
top: comments left out, the publication date by a stricter order of trust
(``nlp.dates``), an author read from the byline when the markup has none
(Chinese bylines in particular), and a reason recorded for every page that
yields no article.

For the languages whose rules ask for it (``[extraction]`` of the language file: Chinese),
the text is read three ways and the readings are made to agree: trafilatura's
default and precision passes (``nlp.boilerplate``) and a text-density reading
of the page (``nlp.density``); page furniture the rules name is removed, and
bylines and titles lose their role words and the outlet's name (``nlp.bylines``).
A source's ``body_xpath`` hint, where the registry gives one, comes first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import trafilatura
from lxml import etree

from nlp.boilerplate import agree, prefer_denser, remove_furniture
from nlp.density import block_lines, density_text, parse
from nlp.bylines import clean_byline, strip_outlet
from core.languages import Registry, registry
from nlp.extraction_rules import LanguageRules, byline_patterns, byline_prefixes, load_rules, rules_for
from nlp.language import detect_language
from nlp.segmentation import HAN, unspaced_share

LEAD_IN_CHARACTERS = 200
TAIL_CHARACTERS = 300
UNSPACED_SHARE = 0.3
"""A text more than this share of whose characters are Han (or another unspaced script) is read as such."""
_HAN_NAMES = rf"[{HAN}·]{{2,4}}(?:[、,， ](?!时间|時間|日期|来源|來源|编辑|編輯|发布|發布)[{HAN}·]{{2,4}}){{0,5}}"
# Chinese bylines, read where the text is mostly Han: the other languages' bylines are
# their files' [extraction] byline_patterns.
_HAN_BYLINES = [
    # 作者：X; 记者 X; 本报记者X; 文/X; X/文; 本贴由 X 于 (forums); (记者 X) at the end of a dispatch
    re.compile(rf"(?:作者|作\s者)\s*[:：|丨]\s*({_HAN_NAMES})(?![{HAN}])"),
    re.compile(rf"(?:(?:记者|記者|执笔人|撰文)\s*[:：/／丨]?|(?<![{HAN}])文\s*[:：/／])\s*({_HAN_NAMES})(?=\s*[/／]?\s*(?:文|摄|攝|[{HAN}]{{0,4}}(?:报道|報導|報道)|發自|发自)?(?:[\s)）]|$))"),
    re.compile(rf"(?<![{HAN}])({_HAN_NAMES})\s*[/／]\s*文(?![{HAN}])"),
    re.compile(r"本贴由\s*(\S{2,20})\s*于"),
]
_BYLINE_EDITOR = re.compile(rf"(?:责任编辑|責任編輯|编辑|編輯)\s*[:：]\s*({_HAN_NAMES})(?![{HAN}])")
_SIGNATURE = re.compile(rf"[（(]\s*(?:记者|記者|本报记者)?\s*({_HAN_NAMES})\s*(?:\S{{2}}报道)?\s*[)）]\s*$")
_NOT_A_HAN_NAME = re.compile(r"手记|简介|文章|联系|采访|了解|来源|的|新闻|报道|本报|编辑|记者|网|社|报$")


@dataclass(frozen=True)
class _AuthorNoise:
    """What trafilatura glues onto an author: a trailing date, or a label that is no name."""

    trailing_date: re.Pattern[str] | None
    not_a_name: re.Pattern[str]


@cache
def _author_noise(languages: Registry) -> _AuthorNoise:
    """From every language's ``[extraction]``: ``author_months`` (month names that end an
    author field with a date) and ``not_authors`` (words of a part that is not a name)."""
    rules = load_rules(languages).values()
    months = "|".join(r.author_months for r in rules if r.author_months)
    words = "|".join(re.escape(w) for r in rules for w in r.not_authors)
    not_a_name = r"\d" + (f"|^(?:{months})\\.?$" if months else "") + (f"|{words}" if words else "")
    return _AuthorNoise(
        trailing_date=re.compile(rf"\s+(?:{months})\.?(?:\s+\d.*)?$", re.IGNORECASE) if months else None,
        not_a_name=re.compile(not_a_name, re.IGNORECASE),
    )


@dataclass(frozen=True)
class Extracted:
    title: str | None
    author: str | None
    site_name: str | None
    text: str
    head_text: str  # the beginning of the text (headline, byline), for dates
    tail_text: str = ""  # the end of the text (a closing signature, a notice's date), for dates
    markup_date: date | None = None  # the original date the page's markup declares
    markup_time: datetime | None = None  # that date with its time, when the markup states a time and its offset


@dataclass(frozen=True)
class NoArticle:
    reason: str


def _name(match: re.Match[str]) -> str | None:
    name = re.sub(r"\s+", " ", match.group(1)).strip(" ,，、")
    return None if _NOT_A_HAN_NAME.search(name) else name


def _byline_author(text: str, patterns: list[re.Pattern[str]] | None = None) -> str | None:
    for pattern in patterns if patterns is not None else [*_HAN_BYLINES, *byline_patterns()]:
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
    return _byline_author(page, _HAN_BYLINES) or _byline_author(page, [_BYLINE_EDITOR])


_SCRIPTS = re.compile(r"(?is)<(script|style)\b.*?</\1>")
_TAGS = re.compile(r"<[^>]+>|&nbsp;")


def _clean_author(author: str | None) -> str | None:
    """trafilatura sometimes glues a date or "Published" onto the author."""
    if not author:
        return None
    prefixes = "|".join(re.escape(prefix) for prefix in byline_prefixes())
    parts = [re.sub(rf"^(?:{prefixes})\s+", "", p.strip(), flags=re.IGNORECASE) if prefixes else p.strip()
             for p in re.split(r"[;|·•]", author)]
    noise = _author_noise(registry())
    if noise.trailing_date is not None:
        parts = [noise.trailing_date.sub("", p).strip() for p in parts]
    kept = [p for p in parts if p and not noise.not_a_name.search(p)]
    return "; ".join(kept) or None


def min_characters(unspaced: bool) -> int:
    """The shortest article text in a spaced script, or in an unspaced one (Han): the
    smallest ``min_characters`` of the registry's languages of that kind."""
    return min((spec.min_characters for spec in registry() if spec.spaced != unspaced), default=300)


def is_long_enough(text: str) -> bool:
    return len(text) >= min_characters(unspaced_share(text[:5000]) > UNSPACED_SHARE)


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
    if body_xpath and (text := _hinted_text(html, body_xpath)):
        document = trafilatura.bare_extraction(html, **options)
        rules = rules_for(detect_language(text))
        if document is not None and (text := remove_furniture(text, rules)):
            # bare_extraction returns a Document unless asked for a dict; its annotation does not say so.
            return _result(document.as_dict(), text, html, rules)  # type: ignore[union-attr]
    document = trafilatura.bare_extraction(html, **options)
    data = document.as_dict() if document is not None else {}  # type: ignore[union-attr]  # as above
    whole = (data.get("text") or "").strip()
    if not whole and (whole := _density_only(html)):
        data = trafilatura.extract_metadata(html, default_url=url, date_config=_date_params(fetched_at)).as_dict()
    if not whole:
        return NoArticle("no_text")
    if not is_long_enough(whole):  # the page as trafilatura reads it: a short flash item stays an article
        return NoArticle("too_short")
    rules = rules_for(detect_language(whole))
    text = _article_text(html, url, whole, rules)
    if not text:
        return NoArticle("no_text")
    return _result(data, text, html, rules, _lead_in(whole, text))


def _article_text(html: str, url: str, text: str, rules: LanguageRules) -> str:
    """trafilatura's text less the page furniture its language's rules name (``nlp.boilerplate``)."""
    if rules.precision_pass:
        precise = trafilatura.extract(html, url=url, include_comments=False, include_tables=True,
                                      favor_precision=True, with_metadata=False) or ""
        text = agree(remove_furniture(text, rules), remove_furniture(precise, rules))
    else:
        text = remove_furniture(text, rules)
    if rules.density_pass and (tree := parse(html)) is not None:
        text = prefer_denser(text, remove_furniture(density_text(tree, rules.is_boilerplate), rules))
    return text


def _hinted_text(html: str, body_xpath: str) -> str:
    """The text of the elements a source's ``body_xpath`` hint selects, a line per block.

    A hint that no longer matches (the site changed its layout) or is not valid
    XPath gives "", and the page is read as any other.
    """
    tree = parse(html)
    try:
        nodes = tree.xpath(body_xpath) if tree is not None else []
    except etree.XPathError:
        return ""
    blocks = [n for n in nodes if isinstance(n, etree._Element)]
    return "\n".join(line for block in blocks for line in block_lines(block)).strip()


def _density_only(html: str) -> str:
    """The text by density alone, for a page trafilatura reads nothing in, where the rules allow it."""
    tree = parse(html)
    text = density_text(tree) if tree is not None else ""
    rules = rules_for(detect_language(text)) if text else None
    return remove_furniture(text, rules) if rules is not None and rules.density_pass else ""


def _lead_in(whole: str, text: str) -> str:
    """What the page's text says just before the article starts (dateline, byline), or ""."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    at = whole.find(first[:12]) if first else -1
    return whole[max(0, at - LEAD_IN_CHARACTERS): at] if at > 0 else ""


def _result(data: dict, text: str, html: str, rules: LanguageRules, lead_in: str = "") -> Extracted:
    site_name = (data.get("sitename") or "").strip() or None
    title = strip_outlet((data.get("title") or "").strip() or None, site_name, rules)
    first_line, _, rest = text.partition("\n")
    if title and first_line.strip() == title and rest.strip():  # the headline repeated as the first line
        text = rest.lstrip()
    head = (lead_in + "\n" + text[:400]) if lead_in else text[:400]
    author = clean_byline(_clean_author(data.get("author")), rules)
    if not author:
        chinese = unspaced_share(head) > UNSPACED_SHARE
        author = _chinese_author(head, text[-TAIL_CHARACTERS:], html) if chinese else _byline_author(head)
        author = clean_byline(author, rules)
    found = data.get("date")
    return Extracted(
        title=title,
        author=author,
        site_name=site_name,
        text=text,
        head_text=head,
        tail_text=text[-TAIL_CHARACTERS:],
        markup_date=date.fromisoformat(found[:10]) if found else None,
        markup_time=_markup_time(found),
    )
