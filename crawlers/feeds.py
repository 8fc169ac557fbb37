"""Parsing RSS, Atom and sitemaps safely.

Feeds come from servers we do not control, and are written as the world
writes them: undeclared or wrong encodings, RSS 0.9x with HTML entities, RDF,
Atom with ``xml:base``, a stray invalid byte. Feeds are decoded as browsers
decode pages (``nlp.charset``), then read by feedparser, whose lenient parser
recovers what a strict XML parser rejects. Before that, a document that
declares XML entities (billion laughs, XXE) is rejected outright, checked with
defusedxml; nothing is ever fetched, and sizes are bounded by the crawl's
``max_response_bytes``. Sitemaps, machine-written, go through a strict lxml
parser that never expands entities, loads a DTD or uses the network. Links
wrapped by a known redirector (Google Alerts) are unwrapped to the article, and
a FeedBurner item is read at the original link it names (``feedburner:origLink``).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from xml.etree.ElementTree import ParseError

import dateparser
import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from lxml import etree

from core.errors import VeilleError
from crawlers.urls import is_web_url, unwrap_redirect
from nlp.charset import decode_html, meta_charset, normalise_charset


class MalformedFeed(VeilleError):
    """The document is not a feed or sitemap we can read."""


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class Sitemap:
    kind: str  # "index" (links to sitemaps) or "urlset" (links to pages)
    entries: tuple[FeedEntry, ...]


_DOCTYPE_ENTITY = re.compile(rb"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.IGNORECASE | re.DOTALL)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )


def _root(body: bytes) -> etree._Element:
    if not body.strip():
        raise MalformedFeed("empty document")
    if _DOCTYPE_ENTITY.search(body[:65536]):
        raise MalformedFeed("the document declares XML entities, which are refused")
    try:
        tree = etree.fromstring(body.lstrip(), parser=_parser()).getroottree()
    except etree.XMLSyntaxError as error:
        raise MalformedFeed(f"not well-formed XML: {error}") from None
    dtd = tree.docinfo.internalDTD
    if dtd is not None and list(dtd.iterentities()):
        raise MalformedFeed("the document declares XML entities, which are refused")
    return tree.getroot()


def _local(tag: object) -> str:
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_date(value: str | None) -> datetime | None:
    """A feed or sitemap date (RFC 822, W3C/ISO 8601, or looser) in UTC."""
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = dateparser.parse(value, settings={"RETURN_AS_TIMEZONE_AWARE": True})
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*?\?>")
_ROOT = re.compile(r"<([A-Za-z][\w.:-]*)")
_SKIPPED = re.compile(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", re.DOTALL | re.IGNORECASE)
_RDF_VERSIONS = ("rss090", "rss10")
_TAG = re.compile(r"<[^>]*>")


def _decode(body: bytes, header_charset: str | None) -> str:
    """The document's text, decoded as a browser would decode a page.

    An undeclared document that is not UTF-8 and that statistics take for a
    single-byte code page is read as Windows-1252, as browsers read undeclared
    Western pages: short feeds give statistics too little text to tell the
    Latin code pages apart, and Windows-1252 feeds are by far the most common.
    """
    text, codec = decode_html(body, header_charset)
    declared = normalise_charset(header_charset) or normalise_charset(meta_charset(body))
    if declared is None and codec not in {"utf-8", "cp1252"} and len(text) == len(body):
        try:
            return body.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return text


def _as_utf8(body: bytes, header_charset: str | None) -> bytes:
    """The document decoded whatever its encoding claims, as UTF-8 with a declaration that says so."""
    text = _decode(body, header_charset)
    return _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1).encode("utf-8")


def _refuse_entities(document: bytes) -> None:
    if _DOCTYPE_ENTITY.search(document[:65536]):
        raise MalformedFeed("the document declares XML entities, which are refused")
    try:
        defused_fromstring(document, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise MalformedFeed("the document declares XML entities, which are refused") from None
    except ParseError:
        pass  # not well-formed: feedparser's lenient parser reads what it can


def _root_name(document: bytes) -> str:
    head = _SKIPPED.sub("", document[:65536].decode("utf-8", "replace"))
    match = _ROOT.search(head)
    return match.group(1) if match else "none"


def _entry_url(entry: feedparser.FeedParserDict, version: str) -> str | None:
    link = entry.get("link")
    if not link and version.startswith(_RDF_VERSIONS):
        link = entry.get("id")  # rdf:about
    original = (entry.get("feedburner_origlink") or "").strip()
    if original and is_web_url(original):
        link = original  # FeedBurner's proxied link (feedproxy.google.com/~r/...) names the article here
    return unwrap_redirect(link.strip()) if link and link.strip() else None


def _entry_title(entry: feedparser.FeedParserDict) -> str | None:
    """The title as plain text (Atom titles may be HTML: Google Alerts bolds the matched words)."""
    title = entry.get("title") or ""
    if entry.get("title_detail", {}).get("type") in {"text/html", "application/xhtml+xml"}:
        title = html.unescape(_TAG.sub("", title))
    return " ".join(title.split()) or None


def _entry_date(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published", "updated", "created"):
        if parsed := parse_date(entry.get(key)):
            return parsed
    return None


def parse_feed(body: bytes, base_url: str | None = None, header_charset: str | None = None) -> list[FeedEntry]:
    """Entries of an RSS 0.9x/1.0/2.0 or Atom feed, relative links resolved against ``xml:base`` or ``base_url``."""
    if not body.strip():
        raise MalformedFeed("empty document")
    document = _as_utf8(body, header_charset)
    _refuse_entities(document)
    headers = {"content-type": "application/xml; charset=utf-8"}
    if base_url:
        headers["content-location"] = base_url
    parsed = feedparser.parse(io.BytesIO(document), response_headers=headers, sanitize_html=False,
                              resolve_relative_uris=False)
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        raise MalformedFeed(f"not an RSS or Atom feed (root element <{_root_name(document)}>)")
    entries = []
    for entry in parsed.entries:
        if url := _entry_url(entry, version):
            entries.append(FeedEntry(url, _entry_title(entry), _entry_date(entry)))
    if not entries and parsed.get("bozo"):
        error = " ".join(str(parsed.get("bozo_exception")).split())
        raise MalformedFeed(f"not well-formed XML, and no entry could be read from it: {error}")
    return entries


def parse_sitemap(body: bytes) -> Sitemap:
    """A sitemap index, a sitemap, or a news sitemap (``news:publication_date``)."""
    root = _root(body)
    kind = _local(root.tag)
    if kind not in {"sitemapindex", "urlset"}:
        raise MalformedFeed(f"not a sitemap (root element <{kind}>)")
    entries: list[FeedEntry] = []
    for element in root:
        if _local(element.tag) not in {"sitemap", "url"}:
            continue
        loc = _child_text(element, "loc")
        if not loc:
            continue
        title = published = None
        for child in element:
            if _local(child.tag) == "news":
                published = parse_date(_child_text(child, "publication_date"))
                title = _child_text(child, "title")
        if published is None:
            published = parse_date(_child_text(element, "lastmod"))
        entries.append(FeedEntry(loc, title, published))
    return Sitemap("index" if kind == "sitemapindex" else "urlset", tuple(entries))
