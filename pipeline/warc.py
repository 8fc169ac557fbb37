"""Reading WARC archives (Common Crawl News layout) record by record, from any offset.

warcio parses the records; this module adds what a long backfill needs: the
offset where each record ends (so a run resumes there after a kill), and a
way past damage. A truncated or corrupt gzip member, or a record warcio cannot
parse, is skipped by looking for the next gzip member (or, in an uncompressed
file, the next ``WARC/1.`` line) and reading on from there; the stretch is
reported, never silently dropped.
"""

from __future__ import annotations

import mmap
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from core.errors import VeilleError

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_DAMAGE = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError, OSError,
           UnicodeDecodeError, IndexError)


class NotAWarcError(VeilleError):
    """A file given to the backfill that is not a WARC archive."""


@dataclass(frozen=True)
class WarcResponse:
    """An HTTP response of an HTML page, as archived."""

    url: str  # WARC-Target-URI
    fetched_at: datetime  # WARC-Date
    status: int
    headers: dict[str, str]
    content_type: str
    charset: str | None
    body: bytes


@dataclass(frozen=True)
class Entry:
    """One record read (``page`` when it is an HTML response), or one damaged stretch skipped.

    ``end`` is the offset where reading resumes after it.
    """

    end: int
    kind: str  # page | other | damaged
    page: WarcResponse | None = None


def _response(record: ArcWarcRecord, max_bytes: int) -> WarcResponse | None:
    """The record as an HTML page, or None for any other record (request, metadata, image, redirect...)."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = int(record.http_headers.get_statuscode() or 0)
    content_type_header = record.http_headers.get_header("Content-Type") or ""
    content_type, _, parameters = content_type_header.partition(";")
    content_type = content_type.strip().lower()
    if not 200 <= status < 300 or content_type not in HTML_TYPES:
        return None
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes or not body.strip():
        return None
    charset = None
    for parameter in parameters.split(";"):
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    date = record.rec_headers.get_header("WARC-Date") or ""
    fetched_at = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else datetime.now(timezone.utc)
    return WarcResponse(
        url=record.rec_headers.get_header("WARC-Target-URI") or "",
        fetched_at=fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=timezone.utc),
        status=status,
        headers={name: value for name, value in record.http_headers.headers},
        content_type=content_type,
        charset=charset,
        body=body,
    )


def _next_start(path: Path, after: int, magic: bytes) -> int | None:
    """Where the next member (or record) begins after offset ``after``, or None."""
    with path.open("rb") as handle:
        if path.stat().st_size == 0:
            return None
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            found = data.find(magic, after + 1)
    return None if found < 0 else found


def _check_format(path: Path) -> bytes:
    """The magic that starts each member of this archive; refuse a file that is not one."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(GZIP_MAGIC):
        return GZIP_MAGIC
    if head.startswith(WARC_MAGIC):
        return WARC_MAGIC
    raise NotAWarcError(f"{path}: not a WARC archive (it starts with neither a gzip member nor 'WARC/1.')")


def read_entries(path: Path, start: int = 0, *, max_bytes: int) -> Iterator[Entry]:
    """Every record of the archive from offset ``start`` (the start of a member), in order."""
    magic = _check_format(path)
    size = path.stat().st_size
    offset = start
    while offset < size:
        damaged_at = None
        with path.open("rb") as handle:
            handle.seek(offset)
            records = ArchiveIterator(handle)
            while True:
                try:
                    record = next(records)
                    page = _response(record, max_bytes)
                    end = records.get_record_offset() + records.get_record_length()
                    if _cut_short(record, records):
                        raise EOFError("truncated record")
                except StopIteration:
                    break
                except _DAMAGE:
                    damaged_at = offset
                    break
                if end <= offset:  # warcio read nothing more: the rest is not a record
                    damaged_at = offset
                    break
                offset = end
                yield Entry(end, "page" if page else "other", page)
        if damaged_at is None:
            if offset < size and not _only_padding(path, offset):
                damaged_at = offset
            else:
                return
        resume = _next_start(path, damaged_at, magic)
        offset = size if resume is None else resume
        yield Entry(offset, "damaged")


def _cut_short(record: ArcWarcRecord, records: ArchiveIterator) -> bool:
    """Whether the record's member (or the file) ended before the record did."""
    if record.rec_headers.get_header("Content-Length") is None or getattr(record.raw_stream, "limit", 0) > 0:
        return True
    decompressor = records.reader.decompressor if records.reader else None
    return decompressor is not None and not getattr(decompressor, "eof", True)


def _only_padding(path: Path, offset: int) -> bool:
    """Whether what is left after ``offset`` is only blank bytes (a clean end of file)."""
    with path.open("rb") as handle:
        handle.seek(offset)
        return not handle.read(1 << 16).strip(b"\r\n\x00 ")
