"""Decoding raw HTML bytes with the right charset.

The order follows the HTML standard: a byte-order mark, then the HTTP header,
then ``<meta charset>`` / ``<meta http-equiv>``, and statistical detection
(charset-normalizer) only when none of these decodes the bytes. A declared
charset that does not decode the bytes is not trusted (a server that says
UTF-8 over GBK bytes is common). Legacy Chinese labels decode as GB18030, their
superset, and Latin-1 labels as Windows-1252, as browsers do.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "latin_1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
}
_META = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""",
    re.IGNORECASE,
)


def normalise_charset(label: str | None) -> str | None:
    """The Python codec to use for a declared label, or None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def meta_charset(body: bytes) -> str | None:
    """The charset declared in the first 4 KB of the document, if any."""
    match = _META.search(body[:4096])
    return match.group(1).decode("ascii", "ignore") if match else None


def _decodes(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Return ``(text, codec)`` for raw HTML bytes."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(codec, errors="replace"), codec
    for label in (header_charset, meta_charset(body)):
        codec = normalise_charset(label)
        if codec:
            text = _decodes(body, codec)
            if text is not None:
                return text, codec
    best = from_bytes(body[:200_000]).best()
    if best is not None:
        codec = normalise_charset(best.encoding) or "utf-8"
        return body.decode(codec, errors="replace"), codec
    return body.decode("utf-8", errors="replace"), "utf-8"
