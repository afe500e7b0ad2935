"""Citizenships as people give them (ISO 3166-1 alpha-2 or alpha-3) versus MRZ codes."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

UNITED_STATES = "USA"


@cache
def _table() -> dict[str, Any]:
    text = resources.files("attestations.mrz").joinpath("data/countries.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def stateless_or_refugee_codes() -> frozenset[str]:
    """MRZ nationality codes that name no country (stateless, refugee, unspecified)."""
    return frozenset(_table()["stateless_or_refugee_codes"])


@cache
def _codes_by_alpha2() -> dict[str, frozenset[str]]:
    table = _table()
    codes: dict[str, set[str]] = {}
    for alpha2, alpha3 in table["alpha2_to_alpha3"].items():
        codes.setdefault(alpha2, set()).add(alpha3)
    for alpha2, extra in table["icao_mrz_codes"].items():
        codes.setdefault(alpha2, set()).update(extra)
    return {alpha2: frozenset(values) for alpha2, values in codes.items()}


@cache
def _alpha2_by_code() -> dict[str, str]:
    return {code: alpha2 for alpha2, codes in _codes_by_alpha2().items() for code in codes}


def mrz_codes_for(citizenship: str) -> frozenset[str]:
    """Every MRZ nationality code that may stand for ``citizenship``.

    ``citizenship`` is an ISO 3166-1 alpha-2 or alpha-3 code in any case; an
    unknown code yields an empty set. Germany, for instance, is ``D`` in the MRZ
    and British nationals of several classes are ``GBR``, ``GBD``, ``GBN``...
    """
    code = citizenship.strip().upper()
    alpha2 = code if len(code) == 2 else _alpha2_by_code().get(code, "")
    return _codes_by_alpha2().get(alpha2, frozenset())
