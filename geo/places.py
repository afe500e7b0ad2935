"""Places policy: embargoed countries and regions, anonymisers, and what to
do when the location cannot be established.

:func:`evaluate` is pure: the rules come in as data (``PlaceRule``, built
from the ``EmbargoedPlace`` table), so an operator corrects a list without
a release, and the same signals always give the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from geo.location_signals import GeoSignals, JSONValue

PLACE_CODE_PATTERN = r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?"
_PLACE_CODE = re.compile(PLACE_CODE_PATTERN)

MatchVia = Literal["country", "subdivision", "registered_country", "represented_country"]


@dataclass(frozen=True)
class PlaceRule:
    """One blocked place: an ISO 3166-1 alpha-2 country (``CU``) or an
    ISO 3166-2 subdivision (``UA-43``), with where the rule comes from and
    any caveat to record with each match."""

    code: str
    name: str
    regime: str = ""
    source_url: str = ""
    as_of: date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not _PLACE_CODE.fullmatch(self.code):
            msg = f"{self.code!r} is not an ISO 3166-1 alpha-2 or ISO 3166-2 code"
            raise ValueError(msg)

    @property
    def kind(self) -> Literal["country", "region"]:
        return "region" if "-" in self.code else "country"

    @property
    def country(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class PlaceMatch:
    """A rule that matched, how, and why it is there."""

    rule: PlaceRule
    via: MatchVia

    def to_dict(self) -> dict[str, JSONValue]:
        return {
            "code": self.rule.code,
            "name": self.rule.name,
            "kind": self.rule.kind,
            "via": self.via,
            "regime": self.rule.regime,
            "source_url": self.rule.source_url,
            "as_of": None if self.rule.as_of is None else self.rule.as_of.isoformat(),
            "note": self.rule.note,
        }


@dataclass(frozen=True)
class Reason:
    """A machine-readable code, a sentence for people, and the facts behind it.

    ``blocking`` reasons deny; the others are recorded flags (for review and
    the audit log) that do not deny on their own.
    """

    code: str
    message: str
    detail: dict[str, JSONValue] = field(default_factory=dict)
    blocking: bool = True

    def to_dict(self) -> dict[str, JSONValue]:
        return {
            "code": self.code,
            "message": self.message,
            "detail": dict(self.detail),
            "blocking": self.blocking,
        }


@dataclass(frozen=True)
class PlaceEvaluation:
    allowed: bool
    reasons: tuple[Reason, ...]
    matched: tuple[PlaceMatch, ...]

    @property
    def blocking_reasons(self) -> tuple[Reason, ...]:
        return tuple(reason for reason in self.reasons if reason.blocking)

    def to_dict(self) -> dict[str, JSONValue]:
        return {
            "allowed": self.allowed,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "matched": [match.to_dict() for match in self.matched],
        }


def evaluate(
    signals: GeoSignals,
    *,
    blocked_places: Sequence[PlaceRule],
    anonymizers_allowed: bool,
    fail_closed: bool,
    local_allowed: bool = False,
) -> PlaceEvaluation:
    """Whether these signals allow access, and every reason.

    - An embargoed country or region where the address is located denies
      (``geo.embargoed_country``, ``geo.embargoed_region``), with the rule's
      note, e.g. the OFAC FAQ 1009 caveat that blocking the Donetsk and
      Luhansk oblasts over-blocks.
    - An anonymiser denies unless ``anonymizers_allowed`` (``geo.anonymizer``).
    - When the place cannot be established (``geo.unavailable``,
      ``geo.unknown``, ``geo.region_unresolved``, and ``geo.local`` unless
      ``local_allowed``), ``fail_closed`` decides: restricted tiers deny,
      others only record the flag.
    """
    reasons: list[Reason] = []
    matched: list[PlaceMatch] = []
    ip = None if signals.ip is None else str(signals.ip)
    status = signals.status
    if status == "local":
        blocking = fail_closed and not local_allowed
        reasons.append(_local_reason(ip, blocking=blocking))
    elif status == "unavailable":
        reasons.append(
            Reason(
                "geo.unavailable",
                "The location database is unavailable, so this request could not be placed.",
                {"database": "location", "ip": ip},
                blocking=fail_closed,
            )
        )
    elif status == "unknown" or signals.country is None:
        message = (
            "The address this request came from could not be determined."
            if ip is None
            else "The location database has no country for this address."
        )
        reasons.append(Reason("geo.unknown", message, {"ip": ip}, blocking=fail_closed))
    if status == "found":
        _places(signals, blocked_places, fail_closed, reasons, matched)
    if ip is not None and status != "local":
        _anonymizers(signals, anonymizers_allowed, fail_closed, reasons)
    allowed = not any(reason.blocking for reason in reasons)
    return PlaceEvaluation(allowed=allowed, reasons=tuple(reasons), matched=tuple(matched))


def _local_reason(ip: str | None, *, blocking: bool) -> Reason:
    if blocking:
        message = (
            "The request came from a local or private address, which says nothing "
            "about where you are. If the service runs behind a proxy, the proxy's "
            "address may be missing from the trusted-proxy setting."
        )
    else:
        message = "The request came from a local address; local access is allowed here."
    return Reason("geo.local", message, {"ip": ip}, blocking=blocking)


def _places(
    signals: GeoSignals,
    rules: Sequence[PlaceRule],
    fail_closed: bool,
    reasons: list[Reason],
    matched: list[PlaceMatch],
) -> None:
    unresolved: list[PlaceRule] = []
    for rule in rules:
        if rule.kind == "country":
            if signals.country == rule.code:
                matched.append(PlaceMatch(rule, "country"))
                reasons.append(_embargo_reason("geo.embargoed_country", matched[-1]))
                continue
            # The registered country names who holds the address block (a
            # carrier, a cloud or VPN company, an ISP with customers abroad)
            # and the represented country names whose institution sits
            # there (an embassy, a military base); neither says where the
            # person is. Denying on them would lock out users of any block
            # held from those countries wherever they are, so they are
            # recorded for review, never a denial on their own.
            for via in ("registered_country", "represented_country"):
                if getattr(signals, via) == rule.code:
                    match = PlaceMatch(rule, via)
                    matched.append(match)
                    reasons.append(_embargo_reason("geo.embargoed_registered_country", match))
        elif rule.code in signals.subdivisions:
            matched.append(PlaceMatch(rule, "subdivision"))
            reasons.append(_embargo_reason("geo.embargoed_region", matched[-1]))
        elif signals.country == rule.country and not signals.subdivisions:
            unresolved.append(rule)
    if unresolved:
        codes: list[JSONValue] = [rule.code for rule in unresolved]
        reasons.append(
            Reason(
                "geo.region_unresolved",
                "The location database places this address in a country with embargoed "
                "regions but does not say which region, so the embargo cannot be ruled out.",
                {"country": signals.country, "regions": codes},
                blocking=fail_closed,
            )
        )


def _embargo_reason(code: str, match: PlaceMatch) -> Reason:
    rule = match.rule
    if code == "geo.embargoed_registered_country":
        field_name = match.via.replace("_", " ")
        message = (
            f"The address block's {field_name} is {rule.name} ({rule.code}), an "
            "embargoed place; recorded for review."
        )
        blocking = False
    else:
        message = f"Access from {rule.name} ({rule.code}) is not allowed: it is an embargoed place."
        blocking = True
    return Reason(code, message, match.to_dict(), blocking=blocking)


def _anonymizers(
    signals: GeoSignals, anonymizers_allowed: bool, fail_closed: bool, reasons: list[Reason]
) -> None:
    flags = signals.anonymizer_flags
    if flags:
        detail: dict[str, JSONValue] = {
            "flags": list(flags),
            "provider": signals.anonymizer_provider,
            "confidence": signals.anonymizer_confidence,
        }
        if anonymizers_allowed:
            message = "The address belongs to an anonymising service; allowed for this model."
        else:
            message = (
                "The request came through a VPN, proxy, Tor or hosting network, which hides "
                "where you are. Connect without it and try again."
            )
        reasons.append(Reason("geo.anonymizer", message, detail, blocking=not anonymizers_allowed))
    elif anonymizers_allowed:
        return
    elif signals.anonymous_status == "unavailable":
        reasons.append(
            Reason(
                "geo.unavailable",
                "The anonymiser database is unavailable, so VPNs and proxies cannot be detected.",
                {"database": "anonymous"},
                blocking=fail_closed,
            )
        )
    elif signals.anonymous_status == "not_configured":
        # Without an anonymiser database (GeoLite2 has none) the check cannot
        # be made; denying everyone for the operator's choice helps nobody,
        # so this is recorded and shown on the readiness page instead.
        reasons.append(
            Reason(
                "geo.anonymizer_unchecked",
                "No anonymiser database is configured, so VPNs and proxies were not checked.",
                {},
                blocking=False,
            )
        )
