"""Telling documents a person hands to ``veille ingest`` apart from files that are not text.

A program, an archive, an image or random bytes must be refused with the
reason, not stored as an "article" of mojibake.
"""

from __future__ import annotations

import unicodedata

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"\xca\xfe\xba\xbe", "a program (Mach-O or Java class)"),
    (b"\xcf\xfa\xed\xfe", "a program (Mach-O)"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF file (audio, video or WebP image)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_CONTROL_SHARE = 0.005
"""Share of control characters (other than tab, line and page breaks) above which decoded bytes are not text."""


def _control_share(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    controls = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    return controls / len(sample)


def refusal(body: bytes, content_type: str | None = None) -> str | None:
    """Why ``body`` is not an HTML or plain-text document, or None when it is one."""
    if content_type and content_type.split(";")[0].strip().lower() not in TEXT_TYPES:
        return f"it is {content_type.split(';')[0].strip()}, not HTML or plain text"
    for magic, kind in MAGIC:
        if body.startswith(magic):
            return f"it is {kind}, not HTML or plain text"
    head = body[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "it holds binary data (NUL bytes), not HTML or plain text"
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    if best is None:
        return "its bytes are not text in any known encoding"
    if _control_share(str(best)) > MAX_CONTROL_SHARE:
        return "it holds binary data (control characters), not HTML or plain text"
    return None
