"""``veille sources check``: fetch each source's feeds and sitemaps once and report."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from crawlers.feeds import MalformedFeed, parse_feed, parse_sitemap
from crawlers.fetch import FetchError, FetchLimits, HttpStatus, InternalAddress, TooLarge, fetch
from crawlers.sources import Source, SourceRegistry
from core.config import CrawlConfig

CHECK_TIMEOUT = 15.0
"""Seconds one feed or sitemap may take at most (less when crawl.download_timeout is shorter)."""


def _reachable(host: str) -> bool:
    try:
        socket.getaddrinfo(host, 443)
    except OSError:
        return False
    return True


def _check(url: str, kind: str, source: Source, config: CrawlConfig) -> str:
    limits = FetchLimits.from_config(config, source.private_hosts, min(config.download_timeout, CHECK_TIMEOUT))
    try:
        fetched = fetch(url, limits)
    except InternalAddress as error:
        return f"refused: {error}"
    except HttpStatus as error:
        return f"HTTP {error.status}"
    except TooLarge:
        return f"too large (over {config.max_response_bytes} bytes)"
    except FetchError as error:
        return f"unreachable ({error})"
    try:
        if kind == "feed":
            count = len(parse_feed(fetched.body, fetched.final_url, fetched.header_charset))
        else:
            count = len(parse_sitemap(fetched.body).entries)
    except MalformedFeed as error:
        return f"malformed: {error}"
    return f"ok, {count} entries"


def check_feeds(registry: SourceRegistry, config: CrawlConfig) -> Iterator[str]:
    targets = [
        (source, kind, str(url))
        for source in registry.sources
        for kind, urls in (("feed", source.feeds), ("sitemap", source.sitemaps))
        for url in urls
    ]
    public = [t for t in targets if not t[0].allow_private_network]
    if public and not _reachable(urlsplit(public[0][2]).hostname or ""):
        yield "network unreachable: feeds not fetched (the registry itself is valid)"
        targets = [t for t in targets if t[0].allow_private_network]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = pool.map(lambda t: _check(t[2], t[1], t[0], config), targets)
        for (source, kind, url), status in zip(targets, results):
            yield f"{source.name:24} {kind:8} {status:30} {url}"
