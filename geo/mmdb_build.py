"""Write MaxMind-shaped databases with mmdb-writer.

Used by the demo database (``geo.demo_db``) and by the tests, so both read
the same shapes the real GeoIP2 files have: an IPv6 search tree with the
IPv4 space at ``::/96``, City/Country/Enterprise records (ISO codes under
``country``, ``registered_country``, ``represented_country``, ``subdivisions``)
and flat Anonymous-IP / Anonymous-Plus records.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from mmdb_writer import MMDBWriter
from netaddr import IPNetwork, IPSet

from geo.location_signals import ANONYMIZER_FLAGS

LocationShape = Literal["city", "country", "enterprise"]
Record = dict[str, Any]


class _Writer(MMDBWriter):
    """mmdb-writer always stamps the current time as ``build_epoch``; tests of
    database age need to choose it.

    Its public interface (the constructor, ``insert_network``, ``to_db_file``)
    has no way to, so this overrides the private ``_build_meta``, which
    ``to_db_file`` calls for the metadata map. That is why requirements.txt
    pins mmdb-writer to one exact version, and why
    ``tests/geo/test_mmdb_build.py`` fails on any other version, and on a
    ``_build_meta`` that changes its signature, its keys or its use, until the
    override has been checked against the new one.
    """

    def __init__(self, *, build_epoch: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fixed_build_epoch = build_epoch

    def _build_meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = super()._build_meta()
        if self._fixed_build_epoch is not None:
            meta["build_epoch"] = self._fixed_build_epoch
        return meta


def _place(iso_code: str, name: str | None = None) -> Record:
    record: Record = {"iso_code": iso_code}
    if name:
        record["names"] = {"en": name}
    return record


def location_record(
    *,
    country: str | None,
    subdivisions: Sequence[str] = (),
    city: str | None = None,
    registered_country: str | None = None,
    represented_country: str | None = None,
    asn: int | None = None,
    asn_org: str | None = None,
    shape: LocationShape = "city",
) -> Record:
    """A City-, Country- or Enterprise-shaped record.

    ``subdivisions`` are full ISO 3166-2 codes (``"UA-43"``); the file stores
    only the part after the country, as MaxMind does. A Country-shaped record
    has no city, subdivisions or ASN, whatever is passed.
    """
    record: Record = {}
    if country is not None:
        record["country"] = _place(country)
    if registered_country is not None:
        record["registered_country"] = _place(registered_country)
    if represented_country is not None:
        record["represented_country"] = {**_place(represented_country), "type": "military"}
    if shape == "country":
        return record
    if subdivisions:
        record["subdivisions"] = [_subdivision(country, code) for code in subdivisions]
    if city is not None:
        record["city"] = {"names": {"en": city}}
    if shape == "enterprise":
        traits: Record = {}
        if asn is not None:
            traits["autonomous_system_number"] = asn
        if asn_org is not None:
            traits["autonomous_system_organization"] = asn_org
        if traits:
            record["traits"] = traits
    return record


def _subdivision(country: str | None, code: str) -> Record:
    prefix, _, local = code.partition("-")
    if prefix != country or not local:
        msg = f"subdivision {code!r} is not an ISO 3166-2 code of country {country!r}"
        raise ValueError(msg)
    return {"iso_code": local}


def anonymous_record(
    *flags: str,
    confidence: int | None = None,
    provider: str | None = None,
) -> Record:
    """A flat Anonymous-IP record (Anonymous-Plus when ``confidence`` or
    ``provider`` is given). As in MaxMind's data, ``is_anonymous`` is set
    whenever any more specific flag is."""
    unknown = set(flags) - set(ANONYMIZER_FLAGS)
    if unknown:
        msg = f"unknown anonymiser flags: {sorted(unknown)}"
        raise ValueError(msg)
    record: Record = dict.fromkeys(flags, True)
    if flags:
        record["is_anonymous"] = True
    if confidence is not None:
        record["anonymizer_confidence"] = confidence
    if provider is not None:
        record["provider_name"] = provider
    return record


def write_mmdb(
    path: str | os.PathLike[str],
    *,
    database_type: str,
    description: str,
    networks: Iterable[tuple[str, Record]],
    build_epoch: int | None = None,
    ip_version: Literal[4, 6] = 6,
) -> Path:
    """Write ``networks`` (CIDR, record) to ``path`` and return it.

    ``ip_version=6`` (the default, like every current MaxMind database) puts
    IPv4 networks at ``::/96``; ``4`` writes an IPv4-only tree.

    The file is written next to ``path`` and renamed over it, the way
    ``geoipupdate`` replaces databases, so a running reader never sees half
    a file. Broader networks are inserted first so that a more specific one
    inside them keeps its own record.
    """
    target = Path(path)
    writer = _Writer(
        build_epoch=build_epoch,
        ip_version=ip_version,
        ipv4_compatible=ip_version == 6,
        database_type=database_type,
        languages=["en"],
        description={"en": description},
    )
    for cidr, record in sorted(networks, key=lambda item: _tree_prefix(item[0])):
        writer.insert_network(IPSet([cidr]), record)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        writer.to_db_file(temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _tree_prefix(cidr: str) -> int:
    network = IPNetwork(cidr)
    return int(network.prefixlen) + (96 if network.version == 4 else 0)
