"""Decoding raw HTML bytes with the right charset.

The order follows the HTML standard (w3lib reads the declarations): a byte-order mark, then the HTTP header,
then ``<meta charset>`` / ``<meta http-equiv>``, and statistical detection
(charset-normalizer) only when none of these decodes the bytes. A declared
charset that does not decode the bytes is not trusted (a server that says
UTF-8 over GBK bytes is common). Legacy Chinese labels decode as GB18030, their
superset, and Latin-1 labels as Windows-1252, as browsers do.
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

_WRAPPER_ENCODING = re.compile(
    rb"""\A\s*<[a-zA-Z][^>]*?\sencoding\s*=\s*["']\s*([a-zA-Z0-9_\-:.]+)""",
    re.IGNORECASE,
)
"""The ``encoding`` of a wrapper element before ``<html>``, as archived pages carry."""
MAX_REPLACEMENT_RATE = 0.001
"""Share of undecodable bytes up to which a declared charset is still trusted.

Real pages in a legacy charset often hold a few stray bytes (a truncated
character, a pasted fragment); a browser decodes them with replacement
characters rather than guess another charset, and so does veille. A wrong
declaration fails on most non-ASCII bytes, far above this rate.
"""


def normalise_charset(label: str | None) -> str | None:
    """The Python codec to use for a declared label (its browser superset), or None if unknown."""
    if not label:
        return None
    return resolve_encoding(label.strip().strip("\"'"))


def meta_charset(body: bytes) -> str | None:
    """The codec declared in the first 4 KB of the document, if any.

    ``<meta charset>``, ``<meta http-equiv>`` or an XML declaration (w3lib reads
    them as browsers do), else the ``encoding`` of a wrapper element before ``<html>``.
    """
    if declared := html_body_declared_encoding(body[:4096]):
        return declared
    match = _WRAPPER_ENCODING.search(body[:1024])
    return normalise_charset(match.group(1).decode("ascii", "ignore")) if match else None


def _decodes(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_decodes(body: bytes, codec: str) -> str | None:
    """The text with replacement characters, if few enough bytes fail to decode."""
    text = body.decode(codec, errors="replace")
    replaced = text.count("\ufffd") - body.count("\ufffd".encode("utf-8"))
    return text if replaced <= max(1, len(body) * MAX_REPLACEMENT_RATE) else None


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Return ``(text, codec)`` for raw HTML bytes."""
    codec, bom = read_bom(body)
    if codec and bom:
        return body[len(bom):].decode(codec, errors="replace"), codec
    declared = [c for c in (normalise_charset(header_charset), meta_charset(body)) if c]
    # Bytes that are valid UTF-8 are UTF-8 whatever a wrong declaration says; only
    # then may a declared charset decode with a few stray bytes.
    attempts = [(_decodes, c) for c in declared] + [(_decodes, "utf-8")] + [(_mostly_decodes, c) for c in declared]
    for decode, codec in attempts:
        text = decode(body, codec)
        if text is not None:
            return text, codec
    best = from_bytes(body[:200_000]).best()
    if best is not None:
        codec = normalise_charset(best.encoding) or "utf-8"
        return body.decode(codec, errors="replace"), codec
    return body.decode("utf-8", errors="replace"), "utf-8"
