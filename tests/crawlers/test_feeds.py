import io
import json
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import pytest

from crawlers.feeds import MalformedFeed, parse_feed, parse_sitemap
from crawlers.urls import unwrap_redirect

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


# -- feeds as the world writes them -------------------------------------------------------------

FEEDS = DATA / "feeds"
EXPECTED = json.loads((FEEDS / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_world_feed_shapes_give_every_link_title_and_date(name):
    entries = parse_feed((FEEDS / name).read_bytes(), f"https://feeds.example.org/{name}")
    found = [{"url": e.url, "title": e.title, "published": e.published.isoformat() if e.published else None}
             for e in entries]
    assert found == EXPECTED[name]


def test_at_least_as_many_links_as_feedparser_finds_on_its_own():
    """feedparser reading the raw bytes is the reference; redirect wrappers count as their article
    (FeedBurner's as the original link it names, when that is a web address)."""
    reference = found = 0
    for name in EXPECTED:
        body = (FEEDS / name).read_bytes()
        links = {unwrap_redirect(e.feedburner_origlink if e.get("feedburner_origlink", "").startswith("http") else e.link)
                 for e in feedparser.parse(io.BytesIO(body)).entries if e.get("link")}
        ours = {e.url for e in parse_feed(body)}
        reference += len(links)
        found += len(links & ours)
    assert reference >= 20 and found / reference >= 0.99


def test_text_that_statistics_misread_is_taken_as_windows_1252_when_undeclared():
    (first, *_) = parse_feed((FEEDS / "latin1-undeclared.rss").read_bytes())
    assert first.title == "Le modèle ouvert de Mistral fait déjà école"


def test_a_declared_charset_with_one_bad_byte_keeps_the_rest_of_the_text():
    titles = [e.title for e in parse_feed((FEEDS / "big5-invalid.rdf").read_bytes())]
    assert titles[0] == "台灣團隊發布開源語言模型" and titles[2] == "晶片管制下的開源策略"
    assert titles[1].startswith("開放") and titles[1].endswith("權重模型的安全爭議")


@pytest.mark.parametrize(("wrapped", "article"), [
    ("https://www.google.com/url?rct=j&sa=t&url=https://www.example-news.com/a/1&ct=ga&usg=x",
     "https://www.example-news.com/a/1"),
    ("https://www.google.fr/url?q=https://www.journal-exemple.fr/article.php%3Fid%3D4521&sa=U",
     "https://www.journal-exemple.fr/article.php?id=4521"),
    ("https://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url=https%3a%2f%2fnews.example.org%2fx&c=1",
     "https://news.example.org/x"),
    ("https://l.facebook.com/l.php?u=https%3A%2F%2Fnews.example.org%2Fy&h=AT0", "https://news.example.org/y"),
    ("https://www.retriever-info.com/go/?a=101&d=0020112026120100001&p=200108&s=2011"
     "&u=http%3A%2F%2Fwww.lokal-exempel.se%2Fny-oppen-modell%2F&x=0f3a", "http://www.lokal-exempel.se/ny-oppen-modell/"),
    ("http://redir.folha.com.br/redir/online/tec/rss091/*http://www1.folha.uol.com.br/tec/2026/12/modelo-aberto.shtml",
     "http://www1.folha.uol.com.br/tec/2026/12/modelo-aberto.shtml"),
    ("http://redir.folha.com.br/redir/online/tec/rss091/*https://www1.folha.uol.com.br/busca?q=ia&p=2",
     "https://www1.folha.uol.com.br/busca?q=ia&p=2"),
])
def test_redirect_wrappers_are_unwrapped_to_the_article_they_name(wrapped, article):
    assert unwrap_redirect(wrapped) == article


@pytest.mark.parametrize("url", [
    "https://www.google.com/search?q=open+weights",  # not the redirector
    "https://www.google.com/url?url=javascript:alert(1)",  # names no web page
    "https://news.google.com/rss/articles/CBMiK2h0dHBzOi8vd3d3LmV4YW1wbGUuY29tL2Evag?oc=5",  # opaque: fetched as is
    "https://notgoogle.com/url?url=https://news.example.org/z",
    "http://www.retriever-info.com",  # the service's own page, named by a feed's channel
    "http://redir.folha.com.br/redir/online/tec/rss091/*javascript:alert(1)",  # names no web page
    "http://redir.folha.com.br/outro/*http://www1.folha.uol.com.br/a.shtml",  # not the redirector's path
    "http://[2001:db8::1/a",  # not a readable URL: left for the crawler to count as a bad link
    "https://www.google.com/url?url=https://news.example.org:8o/z",  # names no readable URL
])
def test_other_links_are_left_as_they_are(url):
    assert unwrap_redirect(url) == url


def test_entities_are_refused_whatever_the_encoding_claims(tmp_path):
    body = (DATA / "xxe.xml").read_bytes().replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="big5"?>')
    with pytest.raises(MalformedFeed, match="entities"):
        parse_feed(body)


def test_a_link_that_is_not_a_readable_url_loses_itself_not_the_feed():
    from scrapy import Request
    from scrapy.http import XmlResponse
    from scrapy.utils.test import get_crawler

    from crawlers.sources import Source
    from crawlers.spiders.news import NewsSpider

    source = Source.model_validate({"name": "labo", "language": "fr", "homepage": "https://labo.example.fr/",
                                    "feeds": ["https://labo.example.fr/feed"]})
    spider = NewsSpider.from_crawler(get_crawler(NewsSpider), sources=[source])
    spider.crawler.stats.open_spider()
    url = "https://labo.example.fr/feed"
    response = XmlResponse(url, body=(FEEDS / "broken-link.rss").read_bytes(),
                           request=Request(url, meta={"source": "labo"}))
    followed = [item.url for item in spider.parse_feed(response) if isinstance(item, Request)]
    assert followed == ["https://labo.example.fr/2026/12/poids-publies"]
    assert spider.crawler.stats.get_value("veille/outcome/labo/bad_link") == 1  # the port; feedparser drops the host
