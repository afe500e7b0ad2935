"""IP address normalisation and the "local" classification.

Shared by client-IP extraction (to match trusted proxies) and by lookups (to
pick the database row), so both see the same address for the same peer.
Parsing uses :mod:`ipaddress` only: nothing here ever resolves a host name.
"""

from __future__ import annotations

from bisect import bisect_right
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

# Addresses that cannot place a person: "this network", RFC 1918, shared
# (carrier-grade NAT) space, loopback, link-local, IETF protocol assignments,
# benchmarking, multicast and the reserved 240/4 block (with the broadcast
# address). The documentation ranges (192.0.2.0/24, 198.51.100.0/24,
# 203.0.113.0/24) are deliberately absent: no real peer can use them, real
# databases do not list them (so they come out "unknown"), and the demo
# database uses them so that the quick start shows real-looking results.
_LOCAL_IPV4 = (
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "224.0.0.0/4",
    "240.0.0.0/4",
)

_GLOBAL_UNICAST_V6 = IPv6Network("2000::/3")


_LOCAL_V4_NETWORKS = sorted(IPv4Network(cidr) for cidr in _LOCAL_IPV4)
_V4_STARTS = [int(n.network_address) for n in _LOCAL_V4_NETWORKS]
_V4_ENDS = [int(n.broadcast_address) for n in _LOCAL_V4_NETWORKS]
_V6_GLOBAL_TOP_BITS = int(_GLOBAL_UNICAST_V6.network_address) >> 125


def _in_local_ranges(value: int) -> bool:
    index = bisect_right(_V4_STARTS, value) - 1
    return index >= 0 and value <= _V4_ENDS[index]


def _first_octet_verdict(octet: int) -> bool | None:
    block = IPv4Network((octet << 24, 8))
    if any(block.subnet_of(network) for network in _LOCAL_V4_NETWORKS):
        return True
    if any(block.overlaps(network) for network in _LOCAL_V4_NETWORKS):
        return None
    return False


# Per first octet: wholly local, wholly not, or look closer (None). Most
# public addresses are settled by one index, which matters on every lookup.
_FIRST_OCTET = tuple(_first_octet_verdict(octet) for octet in range(256))


def is_local_ipv4(value: int) -> bool:
    """:func:`is_local` for an IPv4 address given as its integer value."""
    verdict = _FIRST_OCTET[value >> 24]
    if verdict is None:
        return _in_local_ranges(value)
    return verdict


def is_local(ip: IPAddress) -> bool:
    """Whether the address is loopback, private, reserved, link-local,
    multicast or unspecified, i.e. says nothing about where a person is.

    Expects a normalised address (see :func:`normalize`). For IPv6 every
    address outside global unicast 2000::/3 is local: IANA has allocated
    nothing public there (ULA, link-local, multicast, loopback, the
    IPv4-compatible and NAT64 prefixes all live outside it).
    """
    value = int(ip)
    if ip.version == 4:
        return is_local_ipv4(value)
    return (value >> 125) != _V6_GLOBAL_TOP_BITS


def normalize(ip: IPAddress) -> IPAddress:
    """The address a database should be asked about.

    IPv4-mapped (``::ffff:a.b.c.d``), 6to4 (``2002:aabb:ccdd::/48``) and
    Teredo (``2001::/32``, client address de-obfuscated) addresses become
    the IPv4 address they carry; an IPv6 zone id (``fe80::1%eth0``) is
    dropped because it only means something on the host that wrote it.
    """
    if isinstance(ip, IPv4Address):
        return ip
    # Integer tests instead of the ipaddress properties: this runs on every
    # IPv6 lookup, and the properties cost several times as much.
    value = int(ip)
    top = value >> 112
    if top == 0 and value >> 32 == 0xFFFF:
        return IPv4Address(value & 0xFFFFFFFF)
    if top == 0x2002:
        return IPv4Address((value >> 80) & 0xFFFFFFFF)
    if value >> 96 == 0x20010000:
        return IPv4Address(~value & 0xFFFFFFFF)
    if ip.scope_id is not None:
        return IPv6Address(value)
    return ip


def parse_ip(text: str) -> IPAddress:
    """Parse and normalise one literal address; ``ValueError`` if it is not one.

    Host names are rejected, never resolved.
    """
    return normalize(ip_address(text.strip()))


def normalize_network(network: IPNetwork) -> IPNetwork:
    """An IPv4-mapped IPv6 network (``::ffff:10.0.0.0/104``) as the IPv4
    network it covers, so it still matches peers after :func:`normalize`."""
    if isinstance(network, IPv6Network) and network.prefixlen >= 96:
        mapped = network.network_address.ipv4_mapped
        if mapped is not None:
            return IPv4Network((int(mapped), network.prefixlen - 96))
    return network
