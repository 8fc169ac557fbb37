"""The network-address policy, over every form an internal address can take in a URL."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from core.addresses import AddressRefused, HostUnresolved, checked_addresses, literal_address

CASES = tomllib.loads((Path(__file__).with_name("data") / "addresses.toml").read_text("utf-8"))


@pytest.mark.parametrize("host", CASES["internal"])
def test_internal_hosts_are_refused(host):
    with pytest.raises(AddressRefused) as refused:
        checked_addresses(host)
    assert str(refused.value).endswith("is an internal address") and host in str(refused.value)
    assert checked_addresses(host, allow_internal=True)  # a source that allows it gets the addresses


@pytest.mark.parametrize("host", CASES["public"])
def test_public_addresses_pass(host):
    (address,) = checked_addresses(host)
    assert address == literal_address(host)


@pytest.mark.parametrize(("host", "address"), [
    ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
    ("127.1", "127.0.0.1"), ("10.1", "10.0.0.1"), ("192.168.257", "192.168.1.1"), ("[::1]", "::1"),
])
def test_numeric_forms_read_as_resolvers_read_them(host, address):
    assert str(literal_address(host)) == address


@pytest.mark.parametrize("host", ["example.org", "1.2.3.4.5", "256.1.1.1", "08.1.1.1", "0x", "1..2", "4294967296", "1_27.0.0.1", "+127.0.0.1"])
def test_names_are_not_numbers(host):
    assert literal_address(host) is None


def test_a_name_refused_names_the_address_it_resolves_to():
    with pytest.raises(AddressRefused, match=r"^localhost \((127\.0\.0\.1|::1)\) is an internal address$"):
        checked_addresses("localhost")


def test_a_name_that_does_not_resolve_is_one_clear_error():
    with pytest.raises(HostUnresolved, match=r"^no-such-host\.invalid does not resolve \("):
        checked_addresses("no-such-host.invalid")
