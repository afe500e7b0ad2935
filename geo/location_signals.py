"""Location signals: what a GeoIP lookup says about one address, as immutable values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from geo.addresses import IPAddress

SIGNAL_NOT_PROOF = (
    "IP location is a signal, not proof: VPNs, proxies, Tor exits and hosting "
    "ranges hide where a person is, and GeoIP databases are sometimes wrong."
)

Status = Literal["found", "local", "unknown", "unavailable"]
AnonymousStatus = Literal["found", "unknown", "unavailable", "not_configured"]
DatabaseKind = Literal["city", "country", "enterprise", "anonymous_ip", "anonymous_plus"]

ANONYMIZER_FLAGS = (
    "is_anonymous",
    "is_anonymous_vpn",
    "is_tor_exit_node",
    "is_hosting_provider",
    "is_public_proxy",
    "is_residential_proxy",
)

JSONScalar = str | int | float | bool | None
JSONValue = JSONScalar | list["JSONValue"] | dict[str, "JSONValue"]


@dataclass(frozen=True)
class DatabaseInfo:
    """The database a signal came from, for the record and for readiness."""

    database_type: str
    kind: DatabaseKind
    build_date: datetime
    demo: bool

    @property
    def has_subdivisions(self) -> bool:
        return self.kind in ("city", "enterprise")

    def to_dict(self) -> dict[str, JSONValue]:
        return {
            "database_type": self.database_type,
            "kind": self.kind,
            "build_date": self.build_date.isoformat(),
            "demo": self.demo,
        }


@dataclass(frozen=True)
class GeoSignals:
    """Location signals for one address.

    ``status``: ``found`` (the location database has a row), ``local``
    (loopback, private, reserved, link-local, multicast, unspecified: nothing
    to look up), ``unknown`` (no row, or no address at all) or
    ``unavailable`` (the location database is missing or unreadable).

    ``anonymous_status``: ``found`` (listed as an anonymiser), ``unknown``
    (not listed, which is what an ordinary address looks like),
    ``unavailable`` (configured but missing or unreadable) or
    ``not_configured``.

    ``subdivisions`` are ISO 3166-2 codes (``UA-43``), largest first.
    ``note`` travels with every record: this is a signal, not proof.
    """

    ip: IPAddress | None
    status: Status
    country: str | None = None
    subdivisions: tuple[str, ...] = ()
    registered_country: str | None = None
    represented_country: str | None = None
    asn: int | None = None
    asn_org: str | None = None
    is_anonymous: bool = False
    is_anonymous_vpn: bool = False
    is_tor_exit_node: bool = False
    is_hosting_provider: bool = False
    is_public_proxy: bool = False
    is_residential_proxy: bool = False
    anonymizer_confidence: int | None = None
    anonymizer_provider: str | None = None
    anonymous_status: AnonymousStatus = "not_configured"
    city_database: DatabaseInfo | None = None
    anonymous_database: DatabaseInfo | None = None
    note: str = SIGNAL_NOT_PROOF

    @property
    def anonymizer_flags(self) -> tuple[str, ...]:
        """The names of the anonymiser flags that are set."""
        return tuple(name for name in ANONYMIZER_FLAGS if getattr(self, name))

    @property
    def demo_data(self) -> bool:
        """Whether any database behind these signals is demo data."""
        return any(
            db is not None and db.demo for db in (self.city_database, self.anonymous_database)
        )

    def to_dict(self) -> dict[str, JSONValue]:
        """A JSON-serialisable form, stable for records and ``--json`` output."""
        return {
            "ip": None if self.ip is None else str(self.ip),
            "status": self.status,
            "country": self.country,
            "subdivisions": list(self.subdivisions),
            "registered_country": self.registered_country,
            "represented_country": self.represented_country,
            "asn": self.asn,
            "asn_org": self.asn_org,
            **{name: bool(getattr(self, name)) for name in ANONYMIZER_FLAGS},
            "anonymizer_confidence": self.anonymizer_confidence,
            "anonymizer_provider": self.anonymizer_provider,
            "anonymous_status": self.anonymous_status,
            "city_database": _db_dict(self.city_database),
            "anonymous_database": _db_dict(self.anonymous_database),
            "demo_data": self.demo_data,
            "note": self.note,
        }


def _db_dict(info: DatabaseInfo | None) -> JSONValue:
    return None if info is None else info.to_dict()
