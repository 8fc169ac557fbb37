"""Writing WARC archives for the backfill tests with warcio's own writer."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_DATE = "2024-03-05T06:07:08Z"


@dataclass(frozen=True)
class Response:
    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"
    date: str = WARC_DATE
    extra_headers: tuple[tuple[str, str], ...] = field(default=())


def write_warc(path: Path, responses: Iterable[Response], *, gzip: bool = True, with_requests: bool = False) -> None:
    """One record per response (and a request record before each, as crawlers write them)."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "veille tests"}))
        for response in responses:
            if with_requests:
                request = StatusAndHeaders(f"GET {response.url} HTTP/1.1", [("Host", "example")], is_http_request=True)
                writer.write_record(writer.create_warc_record(response.url, "request", http_headers=request,
                                                              warc_headers_dict={"WARC-Date": response.date}))
            headers = StatusAndHeaders(response.status, [("Content-Type", response.content_type),
                                                         *response.extra_headers], protocol="HTTP/1.1")
            record = writer.create_warc_record(response.url, "response", payload=io.BytesIO(response.body),
                                               http_headers=headers, warc_headers_dict={"WARC-Date": response.date})
            writer.write_record(record)


def member_starts(path: Path) -> list[int]:
    """Offsets of the gzip members of an archive written by ``write_warc`` (one per record)."""
    data = path.read_bytes()
    starts, position = [], data.find(b"\x1f\x8b\x08")
    while position >= 0:
        starts.append(position)
        position = data.find(b"\x1f\x8b\x08", position + 1)
    return starts
