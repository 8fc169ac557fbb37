"""The network-address policy: which hosts the crawler and the fetcher must not reach.

A planted link or a redirect must not steer veille at services on its own
machine or network (an admin page on loopback, a router, the cloud metadata
service). An address is internal when the standard library does not call it
global, when it is multicast, when ``addresses.toml`` lists it, or when it is
an IPv6 address that carries an internal IPv4 address (IPv4-mapped, 6to4,
Teredo, NAT64, IPv4-compatible). Host names count as their addresses: a name
is internal when any address it resolves to is, and the numeric forms that
resolvers accept for IPv4 (``2130706433``, ``0x7f000001``, ``0177.0.0.1``,
``127.1``) are read as the addresses they stand for.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import tomllib
from functools import cache
from importlib import resources

from core.errors import VeilleError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(VeilleError):
    """The host is, or resolves to, an internal address that may not be reached."""

    def __init__(self, host: str, address: IPAddress | None = None) -> None:
        self.host = host
        self.address = address
        self.shown = host if address is None or str(address) == host.strip("[]") else f"{host} ({address})"
        super().__init__(f"{self.shown} is an internal address")


class HostUnresolved(VeilleError):
    """The host name resolves to no address."""

    def __init__(self, host: str, reason: str) -> None:
        self.host = host
        super().__init__(f"{host} does not resolve ({reason})")


@cache
def _policy() -> tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...], tuple[ipaddress.IPv6Network, ...]]:
    data = tomllib.loads(resources.files("core").joinpath("addresses.toml").read_text("utf-8"))
    return (tuple(ipaddress.ip_network(n) for n in data["internal"]),
            tuple(ipaddress.IPv6Network(n) for n in data["ipv4_suffix"]))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to."""
    found = [a for a in (address.ipv4_mapped, address.sixtofour, address.teredo and address.teredo[1]) if a]
    if any(address in prefix for prefix in _policy()[1]) and int(address) & 0xFFFFFFFF:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_internal_address(address: IPAddress) -> bool:
    """True for an address veille must not reach unless a source allows it."""
    if not address.is_global or address.is_multicast:
        return True
    if any(address in network for network in _policy()[0] if network.version == address.version):
        return True
    if isinstance(address, ipaddress.IPv6Address):
        return any(is_internal_address(v4) for v4 in _embedded_ipv4(address))
    return False


_IPV4_PART = re.compile(r"0x(?P<hex>[0-9a-f]+)|0(?P<oct>[0-7]*)|(?P<dec>[1-9][0-9]*)", re.IGNORECASE)


def _ipv4_part(text: str) -> int:
    """One dotted part as ``inet_aton`` reads it: decimal, octal (leading 0) or hex (0x)."""
    match = _IPV4_PART.fullmatch(text)
    if match is None:
        raise ValueError(text)
    if match["hex"]:
        return int(match["hex"], 16)
    return int(match["oct"] or "0", 8) if match["dec"] is None else int(match["dec"])


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``: IPv4 in the forms resolvers accept."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(parts):
        return None
    try:
        numbers = [_ipv4_part(part) for part in parts]
    except ValueError:
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as a number stands for, or None for a name."""
    bare = host.strip("[]").split("%")[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        return _legacy_ipv4(bare.rstrip("."))


def resolve(host: str, port: int | None = None) -> tuple[IPAddress, ...]:
    """Every address ``host`` stands for (a literal, or what the system resolver answers)."""
    if (literal := literal_address(host)) is not None:
        return (literal,)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise HostUnresolved(host, getattr(error, "strerror", None) or str(error)) from None
    return tuple(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))


def checked_addresses(host: str, port: int | None = None, *, allow_internal: bool = False) -> tuple[IPAddress, ...]:
    """The addresses of ``host``, refused when any is internal and ``allow_internal`` is false.

    Connect to one of these rather than resolving the name again: a name that
    answers a public address to the check and an internal one to the
    connection (DNS rebinding) then gets nowhere.
    """
    addresses = resolve(host, port)
    if not allow_internal:
        for address in addresses:
            if is_internal_address(address):
                raise AddressRefused(host, address)
    return addresses

