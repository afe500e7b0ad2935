"""Which addresses count as "local", and which form of an address is looked up."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.addresses import is_local, normalize, parse_ip


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1",
        "10.20.30.40",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.1.1",
        "0.0.0.0",  # noqa: S104 - an input to classify, nothing binds to it
        "192.0.0.8",
        "198.18.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "64:ff9b::192.0.2.1",
        "::192.0.2.1",
    ],
)
def test_loopback_private_reserved_link_local_multicast_and_unspecified_are_local(
    text: str,
) -> None:
    assert is_local(parse_ip(text))


@pytest.mark.parametrize(
    "text",
    [
        "8.8.8.8",
        "172.32.0.1",
        "11.0.0.1",
        "100.128.0.1",
        "192.0.2.1",
        "198.51.100.1",
        "203.0.113.1",
        "2001:db8::1",
        "2a00:1450::1",
    ],
)
def test_public_and_documentation_addresses_are_not_local(text: str) -> None:
    assert not is_local(parse_ip(text))


DOCUMENTATION_V4 = [IPv4Network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


@given(value=st.integers(min_value=0, max_value=2**32 - 1))
def test_every_ipv4_address_python_calls_private_loopback_or_multicast_is_local(
    value: int,
) -> None:
    ip = IPv4Address(value)
    documentation = any(ip in net for net in DOCUMENTATION_V4)
    python_says_local = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
    if python_says_local and not documentation:
        assert is_local(ip)


def test_mapped_6to4_and_teredo_addresses_become_the_ipv4_they_carry() -> None:
    assert normalize(IPv6Address("::ffff:192.0.2.1")) == IPv4Address("192.0.2.1")
    assert normalize(IPv6Address("2002:c000:0201::1")) == IPv4Address("192.0.2.1")
    # Teredo: the client's address is stored bit-inverted in the last 32 bits.
    teredo = IPv6Address("2001:0:4136:e378:8000:63bf:3fff:fdd2")
    assert normalize(teredo) == IPv4Address("192.0.2.45")


def test_zone_ids_are_dropped() -> None:
    assert normalize(IPv6Address("fe80::1%eth0")) == IPv6Address("fe80::1")
    assert str(parse_ip("fe80::1%eth0")) == "fe80::1"


def test_host_names_are_rejected_not_resolved() -> None:
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 address"):
        parse_ip("localhost")
