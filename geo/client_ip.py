"""Which address a request really came from.

``REMOTE_ADDR`` is the TCP peer and cannot be forged. ``X-Forwarded-For`` can
be written by anyone, so it is read only when the peer is one of our own
proxies, and then only from the right: each trusted proxy appends the
address of the peer it saw, so the first untrusted address from the right
is the client, and everything left of it is whatever the client claimed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from ipaddress import ip_address, ip_network

from geo.addresses import IPAddress, IPNetwork, normalize, normalize_network

# Hops beyond this are never parsed; a chain of our own proxies is a handful
# long, so a longer header is an attempt to make us do work.
MAX_FORWARDED_HOPS = 20

# The longest literal we accept: an IPv6 address with an embedded IPv4 part,
# brackets, a port and a short zone id. Longer entries are garbage.
MAX_ENTRY_LENGTH = 80

_WHITESPACE = " \t\r\n"


class TrustedProxyError(ValueError):
    """A trusted-proxy entry that is not a usable CIDR network."""


def parse_trusted_proxies(value: str | Iterable[str]) -> tuple[IPNetwork, ...]:
    """Parse ``IDV_TRUSTED_PROXIES``: CIDR networks (or single addresses)
    separated by commas or whitespace, or an iterable of such strings.

    Raises :class:`TrustedProxyError` naming the first bad entry: a typo here
    silently changes whose address the service believes, so it must not be
    skipped.
    """
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    networks: list[IPNetwork] = []
    for position, item in enumerate(items, start=1):
        text = item.strip() if isinstance(item, str) else item
        try:
            network = ip_network(text, strict=True)
        except (TypeError, ValueError) as exc:
            msg = f"trusted proxy entry {position} ({item!r}) is not a CIDR network: {exc}"
            raise TrustedProxyError(msg) from exc
        if network.prefixlen == 0:
            msg = (
                f"trusted proxy entry {position} ({item!r}) trusts every address, "
                "which would let any client choose the address we see"
            )
            raise TrustedProxyError(msg)
        networks.append(normalize_network(network))
    return tuple(networks)


def parse_forwarded_entry(entry: str) -> IPAddress | None:
    """One ``X-Forwarded-For`` element as a normalised address, or ``None``.

    Accepts ``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1``, ``[2001:db8::1]``
    and ``[2001:db8::1]:443``; a zone id is dropped. Anything else (host
    names, ``unknown``, obfuscated identifiers, stray text) is ``None``.
    """
    text = entry.strip(_WHITESPACE)
    if not text or len(text) > MAX_ENTRY_LENGTH:
        return None
    host = text
    want_version = 0
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or not _is_port_suffix(text[end + 1 :]):
            return None
        host, want_version = text[1:end], 6
    elif text.count(":") == 1:
        host, port = text.split(":")
        if not _is_port(port):
            return None
        want_version = 4
    try:
        parsed = ip_address(host)
    except ValueError:
        return None
    if want_version and parsed.version != want_version:
        return None
    return normalize(parsed)


def client_ip(meta: Mapping[str, object], trusted_proxies: Sequence[IPNetwork]) -> IPAddress | None:
    """The client's address for a WSGI environ / Django ``request.META``.

    - Peer not trusted: the peer, whatever ``X-Forwarded-For`` says.
    - Peer trusted: walk ``X-Forwarded-For`` from the right, skipping trusted
      hops; the first untrusted address wins. If every hop is trusted (a
      request made by our own infrastructure), the leftmost one.
    - ``None`` when no address can be established: no usable peer, a hop we
      trust reported something unparseable (anything further left came from
      the client and may be forged), or the chain is longer than
      :data:`MAX_FORWARDED_HOPS` and all of it is trusted.

    Never raises on header content.
    """
    remote = meta.get("REMOTE_ADDR")
    peer = parse_forwarded_entry(remote) if isinstance(remote, str) else None
    if peer is None or not _is_trusted(peer, trusted_proxies):
        return peer
    header = meta.get("HTTP_X_FORWARDED_FOR")
    if not isinstance(header, str) or not header.strip(_WHITESPACE):
        return peer
    hops = header.rsplit(",", MAX_FORWARDED_HOPS)
    truncated = len(hops) > MAX_FORWARDED_HOPS
    if truncated:
        hops = hops[1:]
    leftmost = peer
    for hop in reversed(hops):
        if not hop.strip(_WHITESPACE):
            continue  # empty list elements are allowed by the header list syntax
        address = parse_forwarded_entry(hop)
        if address is None:
            return None
        if not _is_trusted(address, trusted_proxies):
            return address
        leftmost = address
    return None if truncated else leftmost


def _is_trusted(address: IPAddress, trusted_proxies: Sequence[IPNetwork]) -> bool:
    return any(address in network for network in trusted_proxies)


def _is_port(text: str) -> bool:
    return 0 < len(text) <= 5 and text.isascii() and text.isdigit()


def _is_port_suffix(text: str) -> bool:
    return not text or (text.startswith(":") and _is_port(text[1:]))
