"""The news spider: feeds, sitemaps and listing pages lead to article pages."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError as TwistedTimeout,
)
from twisted.python.failure import Failure
from w3lib.encoding import http_content_type_encoding

from crawlers.failures import describe_error, is_tls_error
from crawlers.feeds import FeedEntry, MalformedFeed, parse_feed, parse_sitemap
from crawlers.items import FetchStateItem, PageItem
from crawlers.middlewares import PrivateAddressRefused
from crawlers.sources import Source
from crawlers.urls import normalise_url
from nlp.charset import decode_html

log = logging.getLogger("veille.crawl")
QUIET_OUTCOMES = frozenset({"robots_denied", "ignored"})
"""Failures that are the crawler's own choice: counted, not logged one by one."""

HTML_TYPES = ("text/html", "application/xhtml+xml")
_CANONICAL = etree.XPath(
    "//link[contains(concat(' ', normalize-space(translate(@rel, 'CANONIL', 'canonil')), ' '), ' canonical ')]/@href")
"""``rel`` is a list of tokens, matched without regard to case."""
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_CANONICAL_WORD = re.compile("canonical", re.IGNORECASE)


def _canonical_href(html: str) -> str | None:
    # lxml itself, with the expression compiled once: a parsel Selector made
    # for each page cost five times as much.
    root = etree.fromstring(html.encode("utf-8", "replace"), etree.HTMLParser(encoding="utf-8"))
    hrefs = _CANONICAL(root) if root is not None else []
    return str(hrefs[0]) if hrefs else None


def canonical_link(html: str, base_url: str) -> str | None:
    """The page's ``<link rel="canonical">`` when it stays on the same host.

    The head alone is parsed first, where the link belongs: parsing the whole
    page cost more than the rest of the spider's work on it. Some pages put it
    after an early ``</head>``; the whole page is parsed when the word appears
    there.
    """
    head_end = _HEAD_END.search(html)
    if head_end is None:
        href = _canonical_href(html)
    else:
        href = _canonical_href(html[:head_end.end()])
        if href is None and _CANONICAL_WORD.search(html, head_end.end()):
            href = _canonical_href(html)
    href = (href or "").strip()
    if href == base_url:  # most pages name themselves: nothing to resolve
        return base_url
    if not href:
        return None
    url = urljoin(base_url, href)
    return url if urlsplit(url).hostname == urlsplit(base_url).hostname else None


class NewsSpider(Spider):
    name = "news"

    def __init__(
        self,
        sources: Iterable[Source] = (),
        known_urls: Iterable[str] = (),
        fetch_states: dict[str, tuple[str | None, str | None]] | None = None,
        since: datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sources = {source.name: source for source in sources}
        self.known_urls = set(known_urls)
        self.fetch_states = fetch_states or {}
        self.since = since
        self.scheduled: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        return spider

    # -- counting ---------------------------------------------------------------

    def count(self, source: str, outcome: str) -> None:
        self.crawler.stats.inc_value(f"veille/outcome/{source}/{outcome}")

    def on_dropped(self, request: Request, spider: Spider | None = None) -> None:
        """A request the duplicate filter refused: the spider never asks twice
        itself, so this is a redirect back to an address already asked for, or,
        on a shared frontier, a URL another crawler process has taken."""
        source = request.meta.get("source", "unknown")
        if request.url in request.meta.get("redirect_urls", ()):
            self.count(source, "redirect_loop")
        elif request.meta.get("redirect_urls"):
            self.count(source, "redirect_to_seen")
        else:
            self.count(source, "taken_by_another_crawler")

    # -- entry points -------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for source in self.sources.values():
            for url in source.feeds:
                yield self._index_request(str(url), source, self.parse_feed)
            for url in source.sitemaps:
                yield self._index_request(str(url), source, self.parse_sitemap)
            for listing in source.listings:
                yield Request(
                    str(listing.url), callback=self.parse_listing, errback=self.on_error,
                    meta={"source": source.name, "link_pattern": listing.link_pattern},
                )

    def _index_request(self, url: str, source: Source, callback) -> Request:
        """A feed or sitemap request, conditional when we have validators."""
        headers = {}
        etag, modified = self.fetch_states.get(url, (None, None))
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        meta: dict[str, Any] = {"source": source.name, "handle_httpstatus_list": [304]}
        if source.download_delay is not None:
            meta["download_slot"] = urlsplit(url).hostname
        return Request(url, callback=callback, errback=self.on_error, headers=headers, meta=meta)

    def _validators(self, response: Response) -> FetchStateItem | None:
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        if not etag and not modified:
            return None
        return FetchStateItem(
            response.url,
            etag.decode("latin-1") if etag else None,
            modified.decode("latin-1") if modified else None,
        )

    # -- callbacks ------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request | FetchStateItem]:
        source = self.sources[response.meta["source"]]
        if response.status == 304:
            self.count(source.name, "not_modified")
            return
        try:
            entries = parse_feed(response.body, response.url, _header_charset(response))
        except MalformedFeed as error:
            self.failed(source.name, "malformed_feed", response.url, str(error))
            return
        self.count(source.name, "feed_fetched")
        if state := self._validators(response):
            yield state
        for entry in entries:
            yield from self._follow(entry, response.url, source)

    def parse_sitemap(self, response: Response) -> Iterator[Request | FetchStateItem]:
        source = self.sources[response.meta["source"]]
        if response.status == 304:
            self.count(source.name, "not_modified")
            return
        try:
            sitemap = parse_sitemap(response.body)
        except MalformedFeed as error:
            self.failed(source.name, "malformed_sitemap", response.url, str(error))
            return
        self.count(source.name, "sitemap_fetched")
        if state := self._validators(response):
            yield state
        for entry in sitemap.entries:
            if sitemap.kind == "index":
                if self.since and entry.published and entry.published < self.since:
                    continue
                yield self._index_request(urljoin(response.url, entry.url), source, self.parse_sitemap)
            else:
                yield from self._follow(entry, response.url, source)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        source = self.sources[response.meta["source"]]
        self.count(source.name, "listing_fetched")
        text, _ = decode_html(response.body, _header_charset(response))
        links = LinkExtractor(allow=response.meta["link_pattern"]).extract_links(
            HtmlResponse(response.url, body=text, encoding="utf-8")
        )
        for link in links:
            yield from self._follow(FeedEntry(link.url), response.url, source)

    def _follow(self, entry: FeedEntry, base_url: str, source: Source) -> Iterator[Request]:
        # Feeds and sitemaps hold absolute links: joining them only parsed them again.
        try:
            url = normalise_url(entry.url if entry.url.startswith(("http://", "https://"))
                                else urljoin(base_url, entry.url))
        except ValueError:  # a broken IPv6 host or port: this link is lost, not the feed's others
            self.count(source.name, "bad_link")
            return
        if self.since and entry.published and entry.published < self.since:
            self.count(source.name, "skipped_old")
            return
        if url in self.known_urls:
            self.count(source.name, "skipped_known")
            return
        if url in self.scheduled:
            return
        self.scheduled.add(url)
        meta: dict[str, Any] = {
            "source": source.name, "hint_title": entry.title, "hint_published": entry.published,
        }
        if source.download_delay is not None:
            meta["download_slot"] = urlsplit(url).hostname
        yield Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    def parse_article(self, response: Response) -> PageItem | None:
        # Not a generator: Scrapy inspects the source of every generator
        # callback it calls for a stray ``return value``, at a cost per page.
        source = self.sources[response.meta["source"]]
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if content_type and content_type.split(";")[0].strip().lower() not in HTML_TYPES:
            self.count(source.name, "not_html")
            return None
        text, charset = decode_html(response.body, _header_charset(response))
        assert response.request is not None  # Scrapy sets it on every response it hands a callback
        url = normalise_url(response.request.url)
        canonical = canonical_link(text, response.url)
        if canonical:
            canonical = normalise_url(canonical)
            if canonical != url and canonical in self.known_urls:
                self.count(source.name, "skipped_known")
                return None
            url = canonical
        return PageItem(
            url=url,
            final_url=response.url,
            source=source.name,
            status=response.status,
            content_type=content_type or None,
            charset=charset,
            headers={k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()},
            body=response.body,
            fetched_at=datetime.now(timezone.utc),
            hint_language=source.language,
            hint_title=response.meta.get("hint_title"),
            hint_published=response.meta.get("hint_published"),
        )

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        source = request.meta.get("source", "unknown")
        outcome = classify_failure(failure)
        if outcome in QUIET_OUTCOMES:
            self.count(source, outcome)
        else:
            assert failure.value is not None  # a Failure holds the exception it was made from
            self.failed(source, outcome, request.url, describe_error(failure.value))

    def failed(self, source: str, outcome: str, url: str, reason: str) -> None:
        """Count a failure, log it in one line, and keep it as the source's latest error (its health record)."""
        self.count(source, outcome)
        error = f"{outcome} {url}: {reason}"
        self.crawler.stats.set_value(f"veille/last_error/{source}", error)
        log.warning("%s: %s", source, error)


def classify_failure(failure: Failure) -> str:
    """The outcome name for a failed request."""
    error = failure.value
    assert error is not None  # a Failure holds the exception it was made from
    if isinstance(error, PrivateAddressRefused):
        return "private_address_refused"
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, IgnoreRequest):
        message = str(error)
        if "robots.txt" in message:
            return "robots_denied"
        return "too_many_redirects" if "redirections" in message else "ignored"
    if isinstance(error, (DownloadTimeoutError, TwistedTimeout, TCPTimedOutError)):
        return "timeout"
    if isinstance(error, (CannotResolveHostError, DNSLookupError)):
        return "dns_error"
    if isinstance(error, (DownloadCancelledError, CancelledError)):
        return "too_large"  # the only downloads veille cancels are those over max_response_bytes
    if isinstance(error, ResponseDataLossError):
        return "truncated"
    if is_tls_error(error):
        return "tls_error"
    if isinstance(error, (DownloadConnectionRefusedError, ConnectionRefusedError)):
        return "connection_refused"
    return "connection_error"


def _header_charset(response: Response) -> str | None:
    return http_content_type_encoding((response.headers.get(b"Content-Type") or b"").decode("latin-1"))
