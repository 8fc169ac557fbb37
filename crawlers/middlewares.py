"""Downloader middlewares: the private-network guard and retries with backoff."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.response import response_status_message


class PrivateAddressRefused(IgnoreRequest):
    """The URL resolves to an address the crawler must not reach."""


@lru_cache(maxsize=4096)
def _addresses(host: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...]:
    try:
        return (ipaddress.ip_address(host.strip("[]")),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return ()
    return tuple(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos)


def is_internal(host: str) -> bool:
    """True when any address of ``host`` is loopback, private, link-local, multicast or reserved."""
    return any(
        a.is_loopback or a.is_private or a.is_link_local or a.is_multicast or a.is_reserved or a.is_unspecified
        for a in _addresses(host)
    )


class PrivateNetworkGuard:
    """Refuse requests to internal addresses unless their source allows it.

    A planted link (or a redirect) must not steer the crawler at services on
    the crawling machine's network. Hosts of sources that set
    ``allow_private_network`` (local demo and test sites) are let through.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateNetworkGuard:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        host = urlsplit(request.url).hostname or ""
        allowed: frozenset[str] = getattr(spider, "private_hosts_allowed", frozenset())
        if host in allowed:
            return None
        if is_internal(host):
            raise PrivateAddressRefused(f"{host} resolves to an internal address")
        return None


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

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None):
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
