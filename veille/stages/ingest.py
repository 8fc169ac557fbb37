"""Adding documents by hand: files (HTML or plain text) or URLs, processed like crawled pages."""

from __future__ import annotations

import mimetypes
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from crawlers.middlewares import is_internal
from crawlers.urls import normalise_url
from veille.config import Config
from veille.errors import VeilleError
from warehouse.records import PageRecord
from warehouse.store import Store, page_id_for

SOURCE = "manual"


def _is_url(value: str) -> bool:
    return urlsplit(value).scheme in {"http", "https"}


def _content_type(path: Path, body: bytes) -> str:
    guessed = mimetypes.guess_type(path.name)[0]
    if guessed in {"text/html", "text/plain", "application/xhtml+xml"}:
        return guessed
    head = body[:512].lstrip().lower()
    return "text/html" if head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<")) else "text/plain"


def _read_file(path: Path) -> tuple[bytes, str, str | None]:
    try:
        body = path.read_bytes()
    except OSError as error:
        raise VeilleError(f"cannot read {path}: {error.strerror}") from None
    content_type = _content_type(path, body)
    charset = None
    if content_type == "text/plain":
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        charset = best.encoding if best else "utf-8"
    return body, content_type, charset


def _fetch(url: str, config: Config) -> tuple[bytes, str, str | None, str, int]:
    host = urlsplit(url).hostname or ""
    if is_internal(host):
        raise VeilleError(f"{url}: {host} is an internal address; save the page and ingest the file instead")
    request = urllib.request.Request(url, headers={"User-Agent": config.crawl.user_agent})
    try:
        with urllib.request.urlopen(request, timeout=config.crawl.download_timeout) as response:
            body = response.read(config.crawl.max_response_bytes + 1)
            if len(body) > config.crawl.max_response_bytes:
                raise VeilleError(f"{url}: larger than {config.crawl.max_response_bytes} bytes")
            content_type = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
            return body, content_type, charset, response.geturl(), response.status
    except urllib.error.HTTPError as error:
        raise VeilleError(f"{url}: the server answered HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise VeilleError(f"{url}: cannot fetch it ({reason})") from None


def ingest_stage(
    config: Config,
    paths: list[str],
    *,
    url: str | None = None,
    language: str | None = None,
    title: str | None = None,
    published: datetime | None = None,
) -> str:
    """Store the documents as pages, then run the process stage over them."""
    from veille.stages.process import process_stage

    now = datetime.now(timezone.utc)
    pages: list[PageRecord] = []
    for item in paths:
        if _is_url(item):
            body, content_type, charset, final_url, status = _fetch(item, config)
            article_url = normalise_url(url or item)
        else:
            path = Path(item)
            body, content_type, charset = _read_file(path)
            final_url = path.resolve().as_uri()
            article_url = url and normalise_url(url) or final_url
            status = 200
        if not body.strip():
            raise VeilleError(f"{item} is empty")
        pages.append(
            PageRecord(
                page_id=page_id_for(article_url), url=article_url, final_url=final_url, source=SOURCE,
                status=status, content_type=content_type, charset=charset, headers={}, body=body,
                fetched_at=now, origin="ingest", hint_language=language, hint_title=title,
                hint_published=published,
            )
        )
    store = Store(config.db)
    store.migrate()
    store.save_pages(pages)
    summary = process_stage(config)
    return f"ingest: {len(pages)} document(s) stored\n{summary.line()}"
