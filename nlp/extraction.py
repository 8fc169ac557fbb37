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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import trafilatura
from lxml import etree

from nlp.boilerplate import agree, prefer_denser, remove_furniture
from nlp.density import block_lines, density_text, parse
from nlp.bylines import clean_byline, strip_outlet
from core.languages import Registry, registry
from nlp.extraction_rules import LanguageRules, byline_patterns, byline_prefixes, compile_rule, load_rules, rules_for
from nlp.language import detect_language
from nlp.segmentation import HAN, unspaced_share

LEAD_IN_CHARACTERS = 200
TAIL_CHARACTERS = 300
UNSPACED_SHARE = 0.3
"""A text more than this share of whose characters are Han (or another unspaced script) is read as such."""


@dataclass(frozen=True)
class _NameBylines:
    """Every language's bylines that name a list of people (``name_bylines`` and the others of its
    ``[extraction]``), made into regular expressions."""

    names: tuple[re.Pattern[str], ...]  # in the head and tail of any text, before byline_patterns
    signatures: tuple[re.Pattern[str], ...]  # closing the text
    editors: tuple[re.Pattern[str], ...]  # the editor in charge: the last resort
    not_a_name: re.Pattern[str] | None


@cache
def _name_bylines(languages: Registry) -> _NameBylines:
    """``{names}`` in a pattern stands for one to six names of two to four characters of the language's
    script (``{script}``), set apart by 、 , or a space, none starting with one of its ``byline_labels``."""
    rules = load_rules(languages)
    names: list[re.Pattern[str]] = []
    signatures: list[re.Pattern[str]] = []
    editors: list[re.Pattern[str]] = []
    for spec in languages:
        if (language := rules.get(spec.code)) is None:
            continue
        script = "".join(spec.characters) or HAN
        labels = "|".join(map(re.escape, language.byline_labels))
        name = f"[{script}·]{{2,4}}"
        listed = f"{name}(?:[、,， ]{f'(?!{labels})' if labels else ''}{name}){{0,5}}"
        for key, written, compiled in (("name_bylines", language.name_bylines, names),
                                       ("signature_bylines", language.signature_bylines, signatures),
                                       ("editor_bylines", language.editor_bylines, editors)):
            compiled += [compile_rule(spec.code, key, p.replace("{names}", listed).replace("{script}", script), 0)
                         for p in written]
    not_a_name = "|".join(r.not_a_name.pattern for r in rules.values() if r.not_a_name is not None)
    return _NameBylines(tuple(names), tuple(signatures), tuple(editors),
                        re.compile(not_a_name) if not_a_name else None)


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
    not_a_name = _name_bylines(registry()).not_a_name
    return None if not_a_name is not None and not_a_name.search(name) else name


def _byline_author(text: str, patterns: Sequence[re.Pattern[str]] | None = None) -> str | None:
    for pattern in patterns if patterns is not None else [*_name_bylines(registry()).names, *byline_patterns()]:
        for match in pattern.finditer(text):
            if name := _name(match):
                return name
    return None


def _chinese_author(head: str, tail: str, html: str) -> str | None:
    """A byline of a text in an unspaced script (Chinese): in the text's head, its closing
    signature, or the page around the text.

    Chinese pages often put the byline outside the article body trafilatura
    keeps (in a header line, or after the text); the editor in charge is the
    last resort, as readers of those pages take it.
    """
    if found := _byline_author(head) or _byline_author(tail):
        return found
    bylines = _name_bylines(registry())
    for signature in bylines.signatures:
        if (match := signature.search(tail)) and (name := _name(match)):
            return name
    page = _TAGS.sub(" ", _SCRIPTS.sub(" ", html))
    return _byline_author(page, bylines.names) or _byline_author(page, bylines.editors)


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
