"""``veille sources check``: fetch each source's feeds and sitemaps once and report."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from crawlers.feeds import MalformedFeed, parse_feed, parse_sitemap
from crawlers.middlewares import is_internal
from crawlers.run import user_agent
from crawlers.sources import Source, SourceRegistry
from core.config import CrawlConfig


class _InternalRedirect(urllib.error.URLError):
    """A redirect pointed at an internal address the source does not allow."""


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but never to an internal address (as the crawler's guard)."""

    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        host = urlsplit(newurl).hostname or ""
        if host not in self.allowed and is_internal(host):
            raise _InternalRedirect(f"redirect to {host}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _reachable(host: str) -> bool:
    try:
        socket.getaddrinfo(host, 443)
    except OSError:
        return False
    return True


def _check(url: str, kind: str, source: Source, config: CrawlConfig) -> str:
    allowed = source.hosts if source.allow_private_network else frozenset()
    host = urlsplit(url).hostname or ""
    if host not in allowed and is_internal(host):
        return "refused: internal address"
    opener = urllib.request.build_opener(_GuardedRedirects(allowed))
    request = urllib.request.Request(url, headers={"User-Agent": user_agent(config)})
    try:
        with opener.open(request, timeout=min(config.download_timeout, 15)) as response:
            body = response.read(config.max_response_bytes + 1)
            charset = response.headers.get_content_charset()
    except _InternalRedirect as error:
        return f"refused: {error.reason} (internal address)"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return f"unreachable ({getattr(error, 'reason', error)})"
    if len(body) > config.max_response_bytes:
        return f"too large (over {config.max_response_bytes} bytes)"
    try:
        count = len(parse_feed(body, url, charset)) if kind == "feed" else len(parse_sitemap(body).entries)
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
