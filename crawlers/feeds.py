"""Parsing RSS, Atom and sitemaps safely.

Feeds come from servers we do not control. The XML parser never expands
entities, loads a DTD or fetches anything over the network, and a document
that declares entities (billion laughs, XXE) is rejected outright.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import dateparser
from lxml import etree


class MalformedFeed(ValueError):
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


def parse_feed(body: bytes) -> list[FeedEntry]:
    """Entries of an RSS 0.9x/1.0/2.0 or Atom feed."""
    root = _root(body)
    kind = _local(root.tag)
    entries: list[FeedEntry] = []
    if kind == "feed":  # Atom
        for entry in (e for e in root if _local(e.tag) == "entry"):
            links = [link for link in entry if _local(link.tag) == "link"]
            href = next(
                (l.get("href") for l in links if l.get("rel", "alternate") == "alternate" and l.get("href")),
                None,
            )
            if href:
                entries.append(
                    FeedEntry(href.strip(), _child_text(entry, "title"),
                              parse_date(_child_text(entry, "published", "updated")))
                )
    elif kind in {"rss", "rdf"}:  # RSS 0.9x/2.0 (<rss><channel><item>) and RSS 1.0 (<rdf:RDF><item>)
        for item in root.iter():
            if _local(item.tag) != "item":
                continue
            link = _child_text(item, "link") or item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
            if not link:
                guid = next((c for c in item if _local(c.tag) == "guid"), None)
                if guid is not None and guid.get("isPermaLink", "true") == "true" and guid.text:
                    link = guid.text.strip()
            if link:
                entries.append(
                    FeedEntry(link, _child_text(item, "title"), parse_date(_child_text(item, "pubdate", "date")))
                )
    else:
        raise MalformedFeed(f"not an RSS or Atom feed (root element <{kind}>)")
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
