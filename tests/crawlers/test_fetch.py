"""The safe fetcher against a real server on loopback: every redirect hop is
checked, limits stop a server that floods or trickles, charsets are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.fetch import (FetchLimits, FetchTimeout, HttpStatus, InternalAddress, TooLarge, TooManyRedirects,
                            fetch)

GUARD = Path(__file__).with_name("data") / "guard"
AGENT = "veille/0.1 (news monitoring; +https://veille.example.org/crawler-contact)"


@pytest.fixture
def site(hostile_server_class):
    with hostile_server_class(GUARD, GUARD / "routes.toml") as server:
        yield server


def limits(**changes) -> FetchLimits:
    values = dict(user_agent=AGENT, connect_timeout=2.0, total_timeout=2.0, max_bytes=200_000,
                  private_hosts=frozenset({"127.0.0.1"}))
    return FetchLimits(**{**values, **changes})


@pytest.mark.parametrize(("path", "hop", "message", "asked"), [
    ("/hop1.html", 3, "redirect to 169.254.169.254, an internal address", ["/hop1.html", "/hop2.html", "/hop3.html"]),
    ("/to-localhost.html", 1, r"redirect to localhost \((127\.0\.0\.1|::1)\), an internal address",
     ["/to-localhost.html"]),
    ("/to-decimal.html", 1, r"redirect to 2130706433 \(127\.0\.0\.1\), an internal address", ["/to-decimal.html"]),
    ("/to-mapped.html", 1, r"redirect to ::ffff:127\.0\.0\.1 \(::ffff:7f00:1\), an internal address",
     ["/to-mapped.html"]),
])
def test_every_redirect_hop_is_checked(site, path, hop, message, asked):
    with pytest.raises(InternalAddress, match=f"^{message}$") as refused:
        fetch(site.base_url + path, limits())
    assert refused.value.hop == hop
    assert site.paths() == asked  # nothing reached the internal address under another name


def test_an_internal_address_is_refused_before_connecting(site):
    with pytest.raises(InternalAddress, match=r"^127\.0\.0\.1 is an internal address$") as refused:
        fetch(site.base_url + "/open-article.html", limits(private_hosts=frozenset()))
    assert refused.value.hop == 0 and site.paths() == []


def test_a_page_is_fetched_with_the_contact_in_the_user_agent(site):
    fetched = fetch(site.base_url + "/open-article.html", limits())
    assert fetched.status == 200 and fetched.final_url == site.base_url + "/open-article.html"
    assert fetched.content_type == "text/html" and b"<html" in fetched.body.lower()
    assert [hit.headers["User-Agent"] for hit in site.hits] == [AGENT]


def test_a_gbk_page_is_decoded_from_its_meta_charset(site):
    fetched = fetch(site.base_url + "/gbk.html", limits())
    assert fetched.header_charset is None
    text, codec = fetched.text()
    assert codec == "gb18030" and "开源大模型" in text


def test_a_flood_stops_at_the_size_limit(site):
    with pytest.raises(TooLarge, match=r"is larger than 200000 bytes$"):
        fetch(site.base_url + "/flood.html", limits())
    assert site.streamed_bytes < 5_000_000  # of the 50 MB on offer


def test_a_compressed_flood_stops_at_the_size_limit_as_it_inflates(site):
    with pytest.raises(TooLarge, match=r"/bomb\.html is larger than 200000 bytes$"):
        fetch(site.base_url + "/bomb.html", limits())


def test_a_trickle_stops_at_the_time_limit(site):
    with pytest.raises(FetchTimeout, match=r"/trickle\.html took longer than 1 s$"):
        fetch(site.base_url + "/trickle.html", limits(total_timeout=1.0))
    assert site.streamed_bytes < 20  # one byte every 0.2 s, never idle long enough for a read timeout


def test_redirects_past_the_limit_and_errors_are_one_line(site):
    with pytest.raises(TooManyRedirects, match=r"redirects more than 1 times$"):
        fetch(site.base_url + "/hop1.html", limits(max_redirects=1))
    with pytest.raises(HttpStatus, match=r"^the server answered HTTP 404$"):
        fetch(site.base_url + "/missing.html", limits())
