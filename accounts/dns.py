"""DNS TXT lookups: the one place the service asks the outside world about a domain.

Tests point it at a small DNS server of their own through
``IDV_DNS_NAMESERVERS``; nothing else in the code talks to DNS.
"""

from __future__ import annotations

import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver
from django.conf import settings


class DnsLookupFailed(Exception):
    """The question could not be answered (timeout, server failure), not "no such record"."""


def _resolver() -> dns.resolver.Resolver:
    configured: list[str] = list(settings.IDV_DNS_NAMESERVERS)
    resolver = dns.resolver.Resolver(configure=not configured)
    if configured:
        resolver.nameservers = []
        for entry in configured:
            host, _, port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
            resolver.nameservers.append(host.strip("[]"))
            if port:
                resolver.port = int(port)
    resolver.lifetime = float(settings.IDV_DNS_TIMEOUT_SECONDS)
    resolver.timeout = float(settings.IDV_DNS_TIMEOUT_SECONDS)
    return resolver


def txt_records(name: str) -> list[str]:
    """Every TXT string at ``name`` (a record's character-strings joined), or [] if none."""
    try:
        qname = dns.name.from_text(name)
    except dns.exception.DNSException as exc:
        raise DnsLookupFailed(f"{name!r} is not a valid DNS name.") from exc
    try:
        answer = _resolver().resolve(qname, dns.rdatatype.TXT, raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        return []
    except (dns.resolver.NoNameservers, dns.exception.Timeout) as exc:
        raise DnsLookupFailed(
            "The DNS servers did not answer; try again in a few minutes."
        ) from exc
    except dns.exception.DNSException as exc:
        raise DnsLookupFailed("The DNS lookup failed; try again in a few minutes.") from exc
    records = []
    for rdata in answer.rrset or []:
        strings = getattr(rdata, "strings", ())
        records.append(b"".join(strings).decode("utf-8", errors="replace"))
    return records
