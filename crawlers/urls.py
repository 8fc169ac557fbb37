"""URL normalisation, so that one article has one URL whatever link led to it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
     "_ga", "_gl", "ref", "ref_src", "cmpid", "xtor", "spm", "from", "share_token"}
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def normalise_url(url: str) -> str:
    """Drop tracking parameters and the fragment, sort the query, lower-case the host."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)])
    cleaned = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))
    return canonicalize_url(cleaned, keep_fragments=False)
