"""URL normalisation, so that one article has one URL whatever link led to it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
     "_ga", "_gl", "ref", "ref_src", "cmpid", "xtor", "spm", "from", "share_token"}
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


@lru_cache(maxsize=16384)
def normalise_url(url: str) -> str:
    """Drop tracking parameters and the fragment, sort the query, lower-case the host.

    Remembered: the crawl asks again for the URL it followed when the page
    comes back, and for the page's canonical link, most often the same.
    """
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)])
    cleaned = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))
    return canonicalize_url(cleaned, keep_fragments=False)


@dataclass(frozen=True)
class _Wrapper:
    host: re.Pattern[str]
    path: str | None  # the whole path, or
    path_prefix: str | None  # how the path begins
    parameters: tuple[str, ...]  # query parameters that hold the article, or
    after: str | None  # the mark in the path after which the article's URL is written out


@cache
def _wrappers() -> tuple[_Wrapper, ...]:
    data = tomllib.loads(resources.files("crawlers").joinpath("redirects.toml").read_text("utf-8"))
    return tuple(_Wrapper(re.compile(w["host"], re.IGNORECASE), w.get("path"), w.get("path_prefix"),
                          tuple(w.get("parameters", ())), w.get("after"))
                 for w in data["wrapper"])


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host, that can be read (a broken IPv6 host or port cannot)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (reading it checks it)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def unwrap_redirect(url: str) -> str:
    """The article a known link wrapper names (``crawlers/redirects.toml``), else ``url`` as it is."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # a broken IPv6 host: no wrapper of ours
        return url
    host = parts.hostname or ""
    for wrapper in _wrappers():
        if not wrapper.host.fullmatch(host):
            continue
        if parts.path != wrapper.path and not (wrapper.path_prefix and parts.path.startswith(wrapper.path_prefix)):
            continue
        query = parse_qs(parts.query)
        for name in wrapper.parameters:
            for value in query.get(name, []):
                if is_web_url(value):
                    return value
        if wrapper.after:
            rest = url.strip().split(parts.netloc, 1)[1]  # path, query: the article's query follows its path
            _, mark, article = rest.partition(wrapper.after)
            if mark and is_web_url(article):
                return article
    return url
