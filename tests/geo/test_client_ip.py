"""Client IP extraction: whose address the service believes, and why a
client cannot choose it."""

from __future__ import annotations

import time
from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.client_ip import (
    MAX_FORWARDED_HOPS,
    TrustedProxyError,
    client_ip,
    parse_forwarded_entry,
    parse_trusted_proxies,
)

PROXIES = parse_trusted_proxies("10.0.0.0/8, fd00::/8")
CLIENT = "192.0.2.33"


def meta(remote: object, forwarded: object = None) -> dict[str, object]:
    environ: dict[str, object] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    return environ


# An untrusted peer: the header is the client's own claim.


def test_untrusted_peer_is_the_client_whatever_the_header_says() -> None:
    assert client_ip(meta(CLIENT, "203.0.113.7"), PROXIES) == IPv4Address(CLIENT)


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert client_ip(meta("10.0.0.2", "203.0.113.7"), ()) == IPv4Address("10.0.0.2")


def test_untrusted_peer_spoofing_a_trusted_proxy_in_the_header_changes_nothing() -> None:
    assert client_ip(meta(CLIENT, "10.0.0.2, 10.0.0.3"), PROXIES) == IPv4Address(CLIENT)


@given(header=st.text(max_size=300))
def test_no_header_content_changes_an_untrusted_peer(header: str) -> None:
    assert client_ip(meta(CLIENT, header), PROXIES) == IPv4Address(CLIENT)


# A trusted peer: walk from the right.


def test_trusted_peer_forwards_the_client_address() -> None:
    assert client_ip(meta("10.0.0.2", CLIENT), PROXIES) == IPv4Address(CLIENT)


def test_trusted_hops_are_skipped_and_the_first_untrusted_from_the_right_wins() -> None:
    header = f"{CLIENT}, 10.0.0.5, 10.0.0.4"
    assert client_ip(meta("10.0.0.2", header), PROXIES) == IPv4Address(CLIENT)


def test_addresses_the_client_prepended_are_ignored() -> None:
    header = f"203.0.113.99, 198.51.100.1, {CLIENT}, 10.0.0.4"
    assert client_ip(meta("10.0.0.2", header), PROXIES) == IPv4Address(CLIENT)


def test_all_hops_trusted_gives_the_leftmost_one() -> None:
    assert client_ip(meta("10.0.0.2", "10.0.0.9, 10.0.0.4"), PROXIES) == IPv4Address("10.0.0.9")


def test_trusted_peer_without_a_header_is_itself_the_client() -> None:
    assert client_ip(meta("10.0.0.2"), PROXIES) == IPv4Address("10.0.0.2")
    assert client_ip(meta("10.0.0.2", "  "), PROXIES) == IPv4Address("10.0.0.2")


# Garbage: never an exception, never a forged address.


def test_garbage_left_of_the_client_is_ignored() -> None:
    header = f"unknown, <script>, {CLIENT}, 10.0.0.4"
    assert client_ip(meta("10.0.0.2", header), PROXIES) == IPv4Address(CLIENT)


def test_garbage_written_by_a_trusted_hop_ends_the_walk_without_an_address() -> None:
    # Everything left of "unknown" came from the client and may be forged.
    header = "203.0.113.7, unknown, 10.0.0.4"
    assert client_ip(meta("10.0.0.2", header), PROXIES) is None


def test_empty_list_elements_are_skipped() -> None:
    assert client_ip(meta("10.0.0.2", f",{CLIENT},, ,"), PROXIES) == IPv4Address(CLIENT)


def test_whitespace_and_folded_lines_around_entries_are_tolerated() -> None:
    header = f" {CLIENT} ,\r\n\t10.0.0.4 "
    assert client_ip(meta("10.0.0.2", header), PROXIES) == IPv4Address(CLIENT)


def test_two_addresses_without_a_comma_are_one_garbage_entry() -> None:
    assert client_ip(meta("10.0.0.2", f"{CLIENT}\r\n 203.0.113.7"), PROXIES) is None


@pytest.mark.parametrize(
    "entry",
    [
        "localhost",
        "example.com",
        "192.0.2.1%eth0",
        "[192.0.2.1]",
        "192.0.2.1:port",
        "192.0.2.1:123456",
        "[2001:db8::1",
        "[2001:db8::1]x",
        "010.0.0.1",
        "\u0661\u0669\u0662.\u0660.\u0662.\u0661",  # Arabic-Indic digits
        "192.0.2.1:\u0661\u0662",
        '"192.0.2.1"',
        "_hidden",
        "1" * 200,
    ],
)
def test_entries_that_are_not_literal_addresses_are_rejected(entry: str) -> None:
    assert parse_forwarded_entry(entry) is None


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("192.0.2.1:5678", "192.0.2.1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("[fe80::1%25eth0]:80", "fe80::1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("2002:c000:0201::1", "192.0.2.1"),
    ],
)
def test_ports_brackets_zone_ids_and_embedded_ipv4_are_normalised(
    entry: str, expected: str
) -> None:
    assert parse_forwarded_entry(entry) == ip_address(expected)


def test_a_client_behind_ipv4_mapped_and_6to4_forms_is_seen_as_ipv4() -> None:
    assert client_ip(meta("10.0.0.2", "::ffff:192.0.2.33"), PROXIES) == IPv4Address(CLIENT)
    assert client_ip(meta("10.0.0.2", "2002:c000:0221::1"), PROXIES) == IPv4Address(CLIENT)


def test_a_dual_stack_socket_peer_in_mapped_form_still_matches_an_ipv4_proxy_network() -> None:
    assert client_ip(meta("::ffff:10.0.0.2", CLIENT), PROXIES) == IPv4Address(CLIENT)


def test_an_ipv6_proxy_with_a_zone_id_is_trusted() -> None:
    proxies = parse_trusted_proxies("fe80::/10")
    assert client_ip(meta("fe80::1%eth0", CLIENT), proxies) == IPv4Address(CLIENT)


def test_ipv6_clients_behind_an_ipv6_proxy() -> None:
    header = "2001:db8:43::1, fd00::7"
    assert client_ip(meta("fd00::2", header), PROXIES) == IPv6Address("2001:db8:43::1")


@pytest.mark.parametrize("remote", [None, "", "garbage", 42, b"10.0.0.2", "[::1"])
def test_no_usable_peer_address_gives_none(remote: object) -> None:
    assert client_ip(meta(remote, CLIENT), PROXIES) is None


def test_non_text_header_values_are_ignored() -> None:
    assert client_ip(meta("10.0.0.2", b"192.0.2.33"), PROXIES) == IPv4Address("10.0.0.2")


@given(header=st.text(max_size=500))
def test_no_header_content_makes_a_trusted_walk_raise(header: str) -> None:
    result = client_ip(meta("10.0.0.2", header), PROXIES)
    assert result is None or isinstance(result, IPv4Address | IPv6Address)


# Huge headers: bounded work, no forged address.


def test_a_huge_header_is_parsed_only_from_the_right_and_quickly() -> None:
    header = ", ".join(["203.0.113.7"] * 50_000 + [CLIENT])
    started = time.perf_counter()
    assert client_ip(meta("10.0.0.2", header), PROXIES) == IPv4Address(CLIENT)
    assert time.perf_counter() - started < 0.5


def test_a_chain_of_trusted_hops_longer_than_the_limit_gives_no_address() -> None:
    header = ", ".join([CLIENT] + ["10.0.0.9"] * (MAX_FORWARDED_HOPS + 5))
    assert client_ip(meta("10.0.0.2", header), PROXIES) is None


def test_a_chain_of_trusted_hops_within_the_limit_is_walked() -> None:
    header = ", ".join([CLIENT] + ["10.0.0.9"] * (MAX_FORWARDED_HOPS - 1))
    assert client_ip(meta("10.0.0.2", header), PROXIES) == IPv4Address(CLIENT)


# The trusted-proxy setting fails loudly.


def test_trusted_proxies_accept_commas_whitespace_and_single_addresses() -> None:
    networks = parse_trusted_proxies(" 10.0.0.0/8,192.168.1.1\n::1  fd00::/8 ")
    assert [str(n) for n in networks] == ["10.0.0.0/8", "192.168.1.1/32", "::1/128", "fd00::/8"]


def test_trusted_proxies_can_be_given_as_a_list() -> None:
    assert [str(n) for n in parse_trusted_proxies(["10.0.0.0/8"])] == ["10.0.0.0/8"]


def test_empty_trusted_proxies_trust_nobody() -> None:
    assert parse_trusted_proxies("") == ()


def test_a_mapped_ipv6_proxy_network_is_kept_as_ipv4() -> None:
    assert [str(n) for n in parse_trusted_proxies("::ffff:10.0.0.0/104")] == ["10.0.0.0/8"]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("10.0.0.0/8, 10.0.0.0/33", "entry 2 ('10.0.0.0/33')"),
        ("10.0.0.1/8", "has host bits set"),
        ("proxy.internal", "entry 1 ('proxy.internal')"),
        ("0.0.0.0/0", "trusts every address"),
        ("::/0", "trusts every address"),
    ],
)
def test_a_bad_trusted_proxy_entry_fails_loudly_and_names_the_entry(
    value: str, fragment: str
) -> None:
    with pytest.raises(TrustedProxyError, match="trusted proxy entry") as raised:
        parse_trusted_proxies(value)
    assert fragment in str(raised.value)


def test_a_blank_entry_in_a_list_fails_loudly() -> None:
    with pytest.raises(TrustedProxyError, match="entry 2"):
        parse_trusted_proxies(["10.0.0.0/8", ""])
