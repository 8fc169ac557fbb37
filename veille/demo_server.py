"""A loopback HTTP server for the bundled demo site (and for tests).

It serves ``veille/demo_site`` with the ``__BASE_URL__`` placeholder replaced
by its own address, declares each page's charset in the Content-Type header as
the page declares it in its ``<meta>``, and answers conditional GETs on
feeds and sitemaps with 304, as real news sites do.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from email.utils import formatdate
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

from crawlers.sources import PLACEHOLDER_BASE_URL
from nlp.charset import meta_charset

DEMO_SITE = Path(str(resources.files("veille").joinpath("demo_site")))
SITE_LAST_MODIFIED = formatdate(1_795_000_000, usegmt=True)  # fixed: the site never changes


class _Handler(BaseHTTPRequestHandler):
    server_version = "veille-demo/1"

    def __init__(self, *args, root: Path, **kwargs) -> None:
        self.root = root
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # quiet: the crawl logs what matters
        pass

    def _file(self) -> Path | None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.endswith("/"):
            path += "index.html"
        candidate = (self.root / path.lstrip("/")).resolve()
        if self.root not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def do_GET(self) -> None:
        file = self._file()
        if file is None:
            self.send_error(404, "Not Found")
            return
        address = self.server.server_address
        assert isinstance(address, tuple)  # a TCP server's (host, port)
        host = self.headers.get("Host") or "%s:%d" % address[:2]
        body = file.read_bytes().replace(PLACEHOLDER_BASE_URL.encode(), f"http://{host}".encode())
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if file.suffix == ".xml":
            content_type = "application/xml"
        if content_type == "text/html":
            content_type += f"; charset={meta_charset(body) or 'utf-8'}"
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", SITE_LAST_MODIFIED)
        self.end_headers()
        self.wfile.write(body)


class SiteServer:
    """Serve a folder on a free loopback port, in a background thread."""

    def __init__(self, root: Path = DEMO_SITE, host: str = "127.0.0.1", port: int = 0,
                 preferred_port: int | None = None) -> None:
        """``preferred_port`` is tried first (stable URLs across runs), then a free port."""
        handler = partial(_Handler, root=root.resolve())
        httpd: ThreadingHTTPServer | None = None
        if preferred_port:
            try:
                httpd = ThreadingHTTPServer((host, preferred_port), handler)
            except OSError:
                httpd = None
        if httpd is None:
            httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd = httpd
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
