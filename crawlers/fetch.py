"""The one safe fetcher for single URLs (`veille ingest URL`, `veille sources check`).

Every hop of a redirect chain is checked against the network-address policy
(``core.addresses``) before anything connects, and the connection goes to the
address that was checked, not to a second lookup of the name (DNS rebinding).
Redirects are followed by hand, up to a limit. The body is streamed and the
fetch stops as soon as it grows past the size limit or the whole fetch takes
longer than its time limit, so a server that trickles or floods gets nowhere.
Each failure is one ``FetchError`` whose message is one line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ConnectTimeoutError, ProtocolError, ReadTimeoutError, SSLError

from core.addresses import AddressRefused, HostUnresolved, IPAddress, checked_addresses
from core.config import CrawlConfig
from core.errors import VeilleError
from nlp.charset import decode_html

REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024


class FetchError(VeilleError):
    """A URL that could not be fetched; the message says why in one line."""


class BadUrl(FetchError):
    """Not an http(s) URL with a host."""


class InternalAddress(FetchError):
    """The URL, or a redirect on the way (``hop`` > 0), points at an internal address."""

    def __init__(self, refused: AddressRefused, hop: int) -> None:
        self.host, self.hop = refused.host, hop
        super().__init__(f"redirect to {refused.shown}, an internal address" if hop else str(refused))


class TooManyRedirects(FetchError):
    """The chain of redirects is longer than the limit (or loops)."""


class TooLarge(FetchError):
    """The body is larger than the size limit."""


class FetchTimeout(FetchError):
    """Connecting, or reading the answer, took longer than its time limit."""


class HttpStatus(FetchError):
    """The server answered with an error status."""

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(f"the server answered HTTP {status}")


class Unreachable(FetchError):
    """The host does not resolve, refuses the connection, or breaks it."""


@dataclass(frozen=True)
class FetchLimits:
    """What one fetch may do. ``private_hosts`` are host names whose internal
    addresses may be reached (a source that allows its private network names
    its own hosts); every other hop to an internal address is refused."""

    user_agent: str
    connect_timeout: float
    total_timeout: float
    max_bytes: int
    max_redirects: int = 5
    private_hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_config(cls, config: CrawlConfig, private_hosts: frozenset[str] = frozenset(),
                    total_timeout: float | None = None) -> FetchLimits:
        timeout = total_timeout or config.download_timeout
        return cls(user_agent=config.agent, connect_timeout=min(10.0, timeout), total_timeout=timeout,
                   max_bytes=config.max_response_bytes, private_hosts=private_hosts)


@dataclass(frozen=True)
class Fetched:
    """The final answer of a fetch: raw bytes and what the headers say of them."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes

    def _content_type(self) -> Message:
        message = Message()
        message["Content-Type"] = self.headers.get("content-type", "")
        return message

    @property
    def content_type(self) -> str | None:
        """The media type alone (``text/html``), None when the server sent none."""
        return self._content_type().get_content_type() if "content-type" in self.headers else None

    @property
    def header_charset(self) -> str | None:
        return self._content_type().get_content_charset()

    def text(self) -> tuple[str, str]:
        """``(text, codec)``: the body decoded as the project decodes every page."""
        return decode_html(self.body, self.header_charset)


class _Clock:
    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.deadline = time.monotonic() + limit

    def left(self, url: str) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise FetchTimeout(f"{url} took longer than {self.limit:g} s")
        return left


def _target(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise BadUrl(f"{url} is not an http(s) URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise BadUrl(f"{url} has an invalid port") from None
    path = parts.path or "/"
    return parts.scheme, parts.hostname, port, path + (f"?{parts.query}" if parts.query else "")


def _pool(scheme: str, host: str, address: IPAddress, port: int, timeout: urllib3.Timeout,
          ) -> urllib3.HTTPConnectionPool:
    if scheme == "https":  # the certificate is checked against the name, the socket goes to the address
        return urllib3.HTTPSConnectionPool(str(address), port, timeout=timeout, retries=False,
                                           server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED")
    return urllib3.HTTPConnectionPool(str(address), port, timeout=timeout, retries=False)


def _open(url: str, limits: FetchLimits, clock: _Clock, hop: int,
          ) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    scheme, host, port, path = _target(url)
    try:
        addresses = checked_addresses(host, port, allow_internal=host in limits.private_hosts)
    except AddressRefused as refused:
        raise InternalAddress(refused, hop) from None
    except HostUnresolved as error:
        raise Unreachable(str(error)) from None
    netloc = urlsplit(url).netloc.rsplit("@", 1)[-1]
    headers = {"Host": netloc, "User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate"}
    last: FetchError = Unreachable(f"{host} has no address")
    for address in addresses:  # the next address when one cannot be connected to
        left = clock.left(url)
        timeout = urllib3.Timeout(connect=min(limits.connect_timeout, left), read=left)
        pool = _pool(scheme, host, address, port, timeout)
        try:
            return pool, pool.urlopen("GET", path, headers=headers, redirect=False, preload_content=False,
                                      assert_same_host=False)
        except ConnectTimeoutError:
            last = FetchTimeout(f"connecting to {host} took longer than {timeout.connect_timeout:g} s")
        except ReadTimeoutError:
            pool.close()
            raise FetchTimeout(f"{url} took longer than {limits.total_timeout:g} s") from None
        except SSLError as error:
            pool.close()
            raise Unreachable(f"TLS handshake with {host} failed ({_reason(error)})") from None
        except (Urllib3Error, OSError) as error:
            last = Unreachable(f"cannot connect to {host} ({_reason(error)})")
        pool.close()
    raise last


def _reason(error: BaseException) -> str:
    inner = error.__context__ or error.__cause__ or error
    return " ".join(str(getattr(inner, "reason", None) or inner).split())[:200]


def _read(url: str, response: urllib3.BaseHTTPResponse, limits: FetchLimits, clock: _Clock) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise TooLarge(f"{url} is larger than {limits.max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.read1(CHUNK):
            size += len(chunk)
            if size > limits.max_bytes:
                raise TooLarge(f"{url} is larger than {limits.max_bytes} bytes")
            chunks.append(chunk)
            clock.left(url)
    except ReadTimeoutError:
        raise FetchTimeout(f"{url} took longer than {limits.total_timeout:g} s") from None
    except (ProtocolError, Urllib3Error, OSError) as error:
        raise Unreachable(f"{url}: the connection broke ({_reason(error)})") from None
    return b"".join(chunks)


def fetch(url: str, limits: FetchLimits) -> Fetched:
    """GET ``url`` within ``limits``, following redirects hop by hop; raises one ``FetchError``."""
    clock = _Clock(limits.total_timeout)
    current = url
    seen = {url}
    for hop in range(limits.max_redirects + 1):
        pool, response = _open(current, limits, clock, hop)
        try:
            location = response.headers.get("Location")
            if response.status in REDIRECTS and location:
                current = urljoin(current, location.strip())
                if current in seen:
                    raise TooManyRedirects(f"{url} redirects in a loop")
                seen.add(current)
                continue
            if response.status >= 400:
                raise HttpStatus(response.status)
            body = _read(current, response, limits, clock)
            headers = {name.lower(): value for name, value in response.headers.items()}
            return Fetched(url, current, response.status, headers, body)
        finally:
            response.close()
            pool.close()
    raise TooManyRedirects(f"{url} redirects more than {limits.max_redirects} times")
