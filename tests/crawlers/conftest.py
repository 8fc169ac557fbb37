"""Crawl test fixtures: a hostile HTTP server on loopback (every way a news
site can go wrong) and the real command line in a child process.

Routes come from ``data/hostile/routes.toml`` (see the comments there); any
other path is served from a folder. Every request is logged (path, time,
headers) and the server keeps the highest number of requests it answered at
once, so tests can check what the crawler did, not only what it stored.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import dataclass
from email.utils import formatdate
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

HOSTILE = Path(__file__).with_name("data") / "hostile"
LAST_MODIFIED = formatdate(1_795_000_000, usegmt=True)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Hit:
    path: str
    at: float
    headers: dict[str, str]


class HostileServer:
    """Serve ``root`` with the behaviours of ``routes`` on a free loopback port.

    ``delay`` is added before every answer (a slow-ish site).
    """

    def __init__(self, root: Path = HOSTILE, routes: Path | None = HOSTILE / "routes.toml",
                 delay: float = 0.0) -> None:
        self.root = root.resolve()
        self.routes: dict[str, dict[str, Any]] = tomllib.loads(routes.read_text("utf-8")) if routes else {}
        self.delay = delay
        self.hits: list[Hit] = []
        self.streamed_bytes = 0
        self.max_in_flight = 0
        self._in_flight = 0
        self.spans: list[tuple[float, float, str]] = []  # (arrived, answered, path) of every request
        self._answered_429: set[str] = set()
        self._lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), partial(_Handler, server_state=self))
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def substitute(self, data: bytes) -> bytes:
        return data.replace(b"__BASE_URL__", self.base_url.encode()).replace(b"__PORT__", str(self.port).encode())

    def paths(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def times(self, path: str) -> list[float]:
        with self._lock:
            return [hit.at for hit in self.hits if hit.path == path]

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- bookkeeping, called by the handler threads ---------------------------------

    def enter(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def leave(self, hit: Hit) -> None:
        with self._lock:
            self._in_flight -= 1
            self.spans.append((hit.at, time.monotonic(), hit.path))

    def most_at_once(self, excluding: frozenset[str] = frozenset(), grace: float = 0.0) -> int:
        """The most requests answered at once, leaving out ``excluding`` (paths
        whose answer outlasts the client's patience: it has hung up and moved
        on) and counting a request as answered ``grace`` seconds early (the
        client has its answer before the server's thread gets to say so)."""
        with self._lock:
            spans = [(start, end - grace) for start, end, path in self.spans if path not in excluding]
        return max((sum(1 for other_start, other_end in spans if other_start <= start < other_end)
                    for start, _ in spans), default=0)

    def streamed(self, size: int) -> None:
        with self._lock:
            self.streamed_bytes += size

    def first_429(self, path: str) -> bool:
        with self._lock:
            if path in self._answered_429:
                return False
            self._answered_429.add(path)
            return True


class _Server(ThreadingHTTPServer):
    # The standard library's backlog of 5 overflows when a crawler opens its
    # connections at once while a thread streams a large answer and the
    # accepting thread waits for its turn: a connection dropped there is tried
    # again a second later, past the tests' one-second timeout.
    request_queue_size = 64


class _Handler(BaseHTTPRequestHandler):
    server_version = "hostile/1"

    def __init__(self, *args: Any, server_state: HostileServer, **kwargs: Any) -> None:
        self.state = server_state
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        hit = Hit(self.path, time.monotonic(), dict(self.headers.items()))
        self.state.enter(hit)
        try:
            if self.state.delay:
                time.sleep(self.state.delay)
            self._answer(path, self.state.routes.get(path, {}))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler hung up: a timeout or a size limit did its job
        finally:
            self.state.leave(hit)

    def _answer(self, path: str, route: dict[str, Any]) -> None:
        if delay := route.get("delay"):
            time.sleep(delay)
        if location := route.get("redirect"):
            self.send_response(302)
            self.send_header("Location", self.state.substitute(location.encode()).decode())
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if size := route.get("stream_bytes"):
            self._stream(size, route["content_type"])
            return
        if pause := route.get("trickle"):
            self._trickle(pause, route["content_type"])
            return
        if zeros := route.get("gzip_zeros"):
            body = gzip.compress(b"\0" * zeros)
            self.send_response(200)
            for name, value in (("Content-Type", route["content_type"]), ("Content-Encoding", "gzip"),
                                ("Content-Length", str(len(body)))):
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            return
        if route.get("retry_after") and self.state.first_429(path):
            self.send_response(429)
            self.send_header("Retry-After", str(route["retry_after"]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        file = self.state.root / route.get("file", path.lstrip("/") or "index.html")
        if not file.resolve().is_relative_to(self.state.root) or not file.is_file():
            self.send_error(404)
            return
        body = self.state.substitute(file.read_bytes())
        headers = {"Content-Type": route.get("content_type") or mimetypes.guess_type(file.name)[0] or "text/html"}
        if route.get("etag"):
            headers["ETag"] = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
            if self.headers.get("If-None-Match") == headers["ETag"]:
                self._not_modified(headers)
                return
        if route.get("last_modified"):
            headers["Last-Modified"] = LAST_MODIFIED
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self._not_modified(headers)
                return
        self.send_response(route.get("status", 200))
        for name, value in headers.items():
            self.send_header(name, value)
        if route.get("truncate"):
            self.send_header("Content-Length", str(len(body) * 4))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _not_modified(self, headers: dict[str, str]) -> None:
        self.send_response(304)
        for name in ("ETag", "Last-Modified"):
            if name in headers:
                self.send_header(name, headers[name])
        self.end_headers()

    def _stream(self, size: int, content_type: str) -> None:
        """A body of ``size`` bytes, made chunk by chunk: never held whole."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.end_headers()  # no Content-Length: the client cannot refuse it up front
        chunk = b"<p>" + b"open weights " * (_CHUNK // 13) + b"</p>\n"
        sent = 0
        try:
            while sent < size:
                self.wfile.write(chunk)
                sent += len(chunk)
        finally:
            self.state.streamed(sent)


    def _trickle(self, pause: float, content_type: str) -> None:
        """An endless body sent one byte per ``pause`` seconds: never idle long enough for a read timeout."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.end_headers()
        while True:
            self.wfile.write(b".")
            self.wfile.flush()
            self.state.streamed(1)
            time.sleep(pause)


def run_cli(*args: str, cwd: Path, timeout: float = 120, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    """The real ``veille`` command line in a child process."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("VEILLE_DB", None)
    return subprocess.run([sys.executable, "-m", "veille.cli", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def cli():
    return run_cli


@pytest.fixture
def hostile():
    with HostileServer() as server:
        yield server


@pytest.fixture(scope="session")
def hostile_server_class() -> type[HostileServer]:
    """The server class, for tests that start their own (other folders, delays)."""
    return HostileServer
