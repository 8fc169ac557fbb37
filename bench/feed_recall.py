"""Item links of real feeds: veille's feed reader against feedparser.

    python -m bench.feed_recall [--manifest PATH] [--markdown]

For every feed of ``bench/feeds`` (the local cache; see ``bench/feeds/__init__.py``):

* feedparser reads the raw bytes, with the feed's repository URL as base, and
  gives the reference: the ``link`` of every entry;
* veille reads the feed the way a crawl does: the bytes are served by a real
  HTTP server on loopback, as a plain static server would serve them (a
  ``Content-Type`` with no charset), fetched over HTTP, and handed to the news
  spider's own feed callback (``NewsSpider.parse_feed``: the header's charset,
  ``crawlers.feeds.parse_feed``, then the spider's normalisation and
  de-duplication of the links it follows). The links are those of the article
  requests it yields.

The loopback server serves each feed at the path its repository URL has, so a
relative link resolves to the same path on both sides; veille's links on the
loopback host are then read back onto the repository host. Both sides are
compared after the crawler's normalisation (``crawlers.urls.normalise_url``:
tracking parameters and fragment dropped, query sorted, host lower-cased); a
feedparser link that a known redirector wraps counts as found when veille
holds the article it names (``crawlers.urls.unwrap_redirect``), and so does
a FeedBurner link when veille holds the original link the item names
(``feedburner:origLink``). The exit code
is 1 when the cache is missing (with what to do), 0 otherwise.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import threading
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.statscollectors import MemoryStatsCollector

from bench.feeds import MANIFEST, CacheMissing, RealFeed, encoding_name, load
from crawlers.sources import Source
from crawlers.spiders.news import NewsSpider
from crawlers.urls import normalise_url, unwrap_redirect

_TAG = re.compile(r"<[^>]*>")
CONTENT_TYPE = "application/xml"
"""What a static server sends for a feed file: a type, no charset."""


@dataclass(frozen=True)
class Recall:
    feed: RealFeed
    reference: frozenset[str]  # feedparser's links, normalised
    found: frozenset[str]  # those veille found (itself or as the article a wrapper names)
    veille: frozenset[str]  # every link veille followed, normalised
    failure: str | None  # why veille read nothing, when it did not
    titles_differ: tuple[tuple[str, str], ...] = ()  # (feedparser's, veille's) for a link both found
    unwrapped: int = 0  # links found as the article a wrapper names, not as they are written


    @property
    def missed(self) -> frozenset[str]:
        return self.reference - self.found


def feedparser_links(body: bytes, base_url: str) -> list[tuple[str, str, str]]:
    """The ``link``, title and FeedBurner original link (or "") of every entry feedparser reads in the raw bytes.

    feedparser is given the headers the loopback server sends (with the base):
    with a ``Content-Location`` and no ``Content-Type`` it would take the feed
    for an HTTP answer with no type and read it as ISO-8859-1.
    """
    parsed = feedparser.parse(body, response_headers={"content-location": base_url, "content-type": CONTENT_TYPE})
    return [(link.strip(), entry.get("title") or "", (entry.get("feedburner_origlink") or "").strip())
            for entry in parsed.entries if (link := entry.get("link")) and link.strip()]


def _plain(title: str | None) -> str:
    """A title as text, to compare: markup dropped, entities read, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub("", title or "")).split())


class _Handler(BaseHTTPRequestHandler):
    def __init__(self, *args, files: dict[str, bytes], **kwargs) -> None:
        self.files = files
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        body = self.files.get(urlsplit(self.path).path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


@contextmanager
def serve(feeds: Iterable[RealFeed]) -> Iterator[str]:
    """Serve every feed on loopback at its repository URL's path; yields the server's base URL."""
    files = {urlsplit(feed.entry.source_url).path: feed.body for feed in feeds}
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, files=files))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _spider() -> NewsSpider:
    crawler = Crawler(NewsSpider)
    crawler.stats = MemoryStatsCollector(crawler)
    source = Source.model_validate(
        {"name": "feeds", "language": "en", "homepage": "http://127.0.0.1/", "allow_private_network": True})
    return NewsSpider.from_crawler(crawler, sources=[source])


def veille_links(url: str) -> tuple[list[tuple[str, str]], str | None]:
    """The article links (and titles) the news spider follows from the feed at ``url``, and why it read none."""
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (loopback, http)
        headers = Headers({name: value for name, value in answer.headers.items()})
        body = answer.read()
        status = answer.status
    request = Request(url, meta={"source": "feeds"})
    response = responsetypes.from_args(headers=headers, url=url, body=body)(
        url=url, status=status, headers=headers, body=body, request=request)
    spider = _spider()
    links = [(item.url, item.meta.get("hint_title") or "")
             for item in spider.parse_feed(response) if isinstance(item, Request)]
    failure = None
    if not links:
        stats = spider.crawler.stats.get_stats()
        failure = ", ".join(key.rsplit("/", 1)[1] for key in stats) or "no link"
    return links, failure


def _rebase(link: str, server: str, feed: RealFeed) -> str:
    """A link on the loopback server, read back onto the feed's repository host."""
    if not link.startswith(server + "/"):
        return link
    parts = urlsplit(feed.entry.source_url)
    return f"{parts.scheme}://{parts.netloc}{link[len(server):]}"


def measure(feeds: list[RealFeed]) -> list[Recall]:
    results = []
    with serve(feeds) as server:
        for feed in feeds:
            reference = {normalise_url(link): (link, title, original)
                         for link, title, original in feedparser_links(feed.body, feed.entry.source_url)}
            links, failure = veille_links(server + urlsplit(feed.entry.source_url).path)
            veille = {normalise_url(_rebase(link, server, feed)): title for link, title in links}
            found, differ, unwrapped = set(), [], 0
            for key, (link, title, original) in reference.items():
                named = [unwrap_redirect(u) for u in (link, original) if u.startswith(("http://", "https://"))]
                ours = next((k for k in (key, *map(normalise_url, named)) if k in veille), None)
                if ours is None:
                    continue
                found.add(key)
                unwrapped += ours != key
                if _plain(title) != _plain(veille[ours]):
                    differ.append((_plain(title), _plain(veille[ours])))
            results.append(Recall(feed, frozenset(reference), frozenset(found), frozenset(veille), failure,
                                  tuple(differ), unwrapped))
    return results


def total(results: Iterable[Recall]) -> tuple[int, int, float]:
    """(links found, feedparser links, recall) over ``results``."""
    results = list(results)
    found = sum(len(r.found) for r in results)
    wanted = sum(len(r.reference) for r in results)
    return found, wanted, found / wanted if wanted else 1.0


def report(results: list[Recall], show_missed: int = 3) -> str:
    lines = [f"{'id':<8} {'kind':<7} {'encoding':<12} {'lang':<5} {'feedparser':>10} {'veille':>7} "
             f"{'found':>6} {'unwrap':>6} {'missed':>6} {'titles≠':>7}  note"]
    for r in results:
        e = r.feed.entry
        lines.append(f"{e.id:<8} {e.kind:<7} {encoding_name(e.encoding):<12} {e.language:<5} {len(r.reference):>10} "
                     f"{len(r.veille):>7} {len(r.found):>6} {r.unwrapped:>6} {len(r.missed):>6} "
                     f"{len(r.titles_differ):>7}  {e.note}"
                     + (f" [veille: {r.failure}]" if r.failure and r.reference else ""))
        for link in sorted(r.missed)[:show_missed]:
            lines.append(f"{'':<8} missed {link}")
        for theirs, ours in r.titles_differ[:show_missed]:
            lines.append(f"{'':<8} title: feedparser {theirs!r}, veille {ours!r}")
    found, wanted, recall = total(results)
    lines.append(f"\ntotal: {found} of {wanted} feedparser links found by veille, recall {recall:.4f} "
                 f"({len(results)} feeds)")
    for label, groups in grouped(results):
        lines.append(f"by {label}: " + "; ".join(
            f"{name} {total(group)[0]}/{total(group)[1]} = {total(group)[2]:.4f}"
            for name, group in sorted(groups.items())))
    empty = [r.feed.entry.id for r in results if r.reference and not r.found]
    lines.append(f"found as the article a redirect wrapper names: {sum(r.unwrapped for r in results)}")
    differ = sum(len(r.titles_differ) for r in results)
    lines.append(f"titles that differ from feedparser's on links both found: {differ} of {found}")
    lines.append(f"feeds where veille found none of feedparser's links: {', '.join(empty) or 'none'}")
    return "\n".join(lines)


def grouped(results: list[Recall]) -> list[tuple[str, dict[str, list[Recall]]]]:
    """The results by kind, by encoding and by language."""
    keys: tuple[tuple[str, Callable[[Recall], str]], ...] = (
        ("kind", lambda r: r.feed.entry.kind),
        ("encoding", lambda r: encoding_name(r.feed.entry.encoding)),
        ("language", lambda r: r.feed.entry.language),
    )
    out = []
    for label, key in keys:
        groups: dict[str, list[Recall]] = defaultdict(list)
        for r in results:
            groups[key(r)].append(r)
        out.append((label, groups))
    return out


def markdown(results: list[Recall]) -> str:
    """The recall by kind, encoding and language, as tables for ``bench/README.md``."""
    lines = []
    for label, groups in grouped(results):
        lines += ["", f"| {label} | feeds | feedparser links | found by veille | recall | via a wrapper |",
                  "|---|---|---|---|---|---|"]
        for name, group in sorted(groups.items(), key=lambda item: (-total(item[1])[1], item[0])):
            found, wanted, recall = total(group)
            lines.append(f"| {name} | {len(group)} | {wanted} | {found} | {recall:.4f} | "
                         f"{sum(r.unwrapped for r in group)} |")
        found, wanted, recall = total(results)
        lines.append(f"| **all** | {len(results)} | {wanted} | {found} | {recall:.4f} | "
                     f"{sum(r.unwrapped for r in results)} |")
    return "\n".join(lines[1:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.feed_recall", description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="another manifest (default: %(default)s)")
    parser.add_argument("--missed", type=int, default=3, help="missed links shown per feed")
    parser.add_argument("--markdown", action="store_true", help="the recall tables only, in Markdown")
    args = parser.parse_args(argv)
    try:
        feeds = load(args.manifest)
    except CacheMissing as error:
        print(f"cannot measure: {error}", file=sys.stderr)
        return 1
    results = measure(feeds)
    print(markdown(results) if args.markdown else report(results, args.missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
