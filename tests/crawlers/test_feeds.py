from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawlers.feeds import MalformedFeed, parse_feed, parse_sitemap

DATA = Path(__file__).with_name("data")


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_rss2_entries_with_dates_and_permalink_guids():
    entries = parse_feed(read("rss2.xml"))
    assert [e.url for e in entries] == ["https://news.example.org/a/1?utm_source=rss&id=7", "https://news.example.org/a/2"]
    assert entries[0].published == datetime(2026, 11, 17, 7, 30, tzinfo=timezone.utc)


def test_rss1_and_rss091():
    assert [e.url for e in parse_feed(read("rss1.rdf"))] == ["https://news.example.org/r1"]
    old = parse_feed(read("rss091.xml"))
    assert old[0].title == "Café et modèles ouverts"


def test_atom_takes_the_alternate_link_and_the_published_date():
    (entry,) = parse_feed(read("atom.xml"))
    assert entry.url == "https://news.example.org/zh/kimi"
    assert entry.title == "月之暗面开源 Kimi K3"
    assert entry.published == datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml"])
def test_entity_declarations_are_refused(name):
    with pytest.raises(MalformedFeed, match="entities"):
        parse_feed(read(name))


def test_malformed_feed_is_a_clear_error():
    with pytest.raises(MalformedFeed, match="not well-formed"):
        parse_feed(read("malformed.xml"))
    with pytest.raises(MalformedFeed, match="not an RSS or Atom feed"):
        parse_feed(read("news-sitemap.xml"))


def test_news_sitemap_and_index():
    sitemap = parse_sitemap(read("news-sitemap.xml"))
    assert sitemap.kind == "urlset"
    assert [(e.url, e.published.date().isoformat()) for e in sitemap.entries] == [
        ("https://news.example.org/new", "2026-11-20"),
        ("https://news.example.org/older", "2026-10-01"),
    ]
    index = parse_sitemap(read("sitemap-index.xml"))
    assert index.kind == "index" and index.entries[0].url.endswith("sitemap-2026-11.xml")
