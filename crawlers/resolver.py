"""The crawler's DNS resolver: the address a connection goes to is checked again.

``PrivateNetworkGuard`` checks the addresses of a request's host before the
request is sent, but Twisted resolves the name once more when it connects; a
name that answers a public address to the first lookup and an internal one to
the second (DNS rebinding) would slip through. This resolver, installed on the
reactor, refuses an internal answer for any name that no source allowing its
private network names (``VEILLE_PRIVATE_HOSTS``); which source may use which
host is the guard's business, request by request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from core.addresses import is_internal_address


class InternalAnswer(DNSLookupError):
    """A name resolved to an internal address when the crawler connected."""

    MESSAGE = "resolved to an internal address when connecting"


def refuse_internal(address: str, name: str, private_hosts: frozenset[str]) -> str:
    """``address`` when ``name`` may connect to it; else raise ``InternalAnswer``."""
    if name not in private_hosts and is_internal_address(ipaddress.ip_address(address)):
        raise InternalAnswer(f"{name} ({address})")
    return address


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing internal answers for hosts no source allows."""

    def __init__(self, reactor: Any, cache_size: int, timeout: float,
                 private_hosts: frozenset[str] = frozenset()) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.private_hosts = private_hosts

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.private_hosts = frozenset(crawler.settings.getlist("VEILLE_PRIVATE_HOSTS"))
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        answer = super().getHostByName(name, timeout)
        answer.addCallback(refuse_internal, name, self.private_hosts)
        return answer
