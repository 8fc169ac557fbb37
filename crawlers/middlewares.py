"""Downloader middlewares: the private-network guard, robots.txt asked for on a
source's behalf, and retries with backoff."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet.defer import Deferred

from crawlers.logs import ROBOTS_LOGGER
from core.addresses import AddressRefused, HostUnresolved, checked_addresses

robots_log = logging.getLogger(ROBOTS_LOGGER)


class PrivateAddressRefused(IgnoreRequest):
    """The URL resolves to an address the crawler must not reach."""


@lru_cache(maxsize=4096)
def _refusal(host: str) -> str | None:
    """Why ``host`` is refused, or None (a name that does not resolve is left to the downloader)."""
    try:
        checked_addresses(host)
    except AddressRefused as refused:
        return str(refused)
    except HostUnresolved:
        return None
    return None


class PrivateNetworkGuard:
    """Refuse requests to internal addresses unless the source that made them allows it.

    A planted link (or a redirect) must not steer the crawler at services on
    the crawling machine's network. Every request carries the name of its
    source in ``meta["source"]`` (redirects, robots.txt and feed requests
    too), and only the hosts that a source allowing its private network
    names itself (``Source.private_hosts``) may be internal. Redirects come
    back through this middleware as new requests, so every hop is checked.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateNetworkGuard:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        source = getattr(spider, "sources", {}).get(request.meta.get("source"))
        host = urlparse_cached(request).hostname or ""
        if source is not None and host in source.private_hosts:
            return None
        if reason := _refusal(host):
            raise PrivateAddressRefused(reason)
        return None


class SourceRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, whose robots.txt request speaks for the
    source of the request that needed it: the guard applies that source's
    allowance to it, and a failure names the source. Only the request's
    ``meta`` differs from Scrapy's own ``robot_parser``."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots = Request(f"{url.scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                             meta={"dont_obey_robotstxt": True, "source": request.meta.get("source")},
                             callback=NO_CALLBACK)
            try:
                response = await self.crawler.engine.download_async(robots)
                await self._parse_robots(response, netloc, request)
            except Exception as error:
                if not isinstance(error, IgnoreRequest):
                    robots_log.error("Error downloading %(request)s: %(f_exception)s",
                                     {"request": request, "f_exception": error}, exc_info=True)
                self._robots_error(error, netloc)
            self.crawler.stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser


def retry_after_seconds(response: Response, now: datetime | None = None) -> float | None:
    """The delay a ``Retry-After`` header asks for (seconds or an HTTP date)."""
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting between attempts: ``Retry-After`` when the
    server sends one, else exponential backoff. A server asking for more than
    ``RETRY_BACKOFF_MAX`` seconds is not retried in this run."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    # Scrapy awaits a coroutine here; the base class declares the synchronous form only.
    async def process_response(  # type: ignore[override]
            self, request: Request, response: Response, spider: Spider | None = None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        attempt = request.meta.get("retry_times", 0)
        delay = retry_after_seconds(response)
        if delay is None:
            delay = self.backoff_base * (2**attempt)
        if delay > self.backoff_max:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(delay)
        return retry
