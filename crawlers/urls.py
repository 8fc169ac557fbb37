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
    path: str
    parameters: tuple[str, ...]


@cache
def _wrappers() -> tuple[_Wrapper, ...]:
    data = tomllib.loads(resources.files("crawlers").joinpath("redirects.toml").read_text("utf-8"))
    return tuple(_Wrapper(re.compile(w["host"], re.IGNORECASE), w["path"], tuple(w["parameters"]))
                 for w in data["wrapper"])


def unwrap_redirect(url: str) -> str:
    """The article a known link wrapper names (``crawlers/redirects.toml``), else ``url`` as it is."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    for wrapper in _wrappers():
        if parts.path == wrapper.path and wrapper.host.fullmatch(host):
            query = parse_qs(parts.query)
            for name in wrapper.parameters:
                for value in query.get(name, []):
                    if urlsplit(value).scheme in {"http", "https"} and urlsplit(value).hostname:
                        return value
    return url
