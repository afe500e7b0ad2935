"""ISO 3166-1 countries for the attestation form (data from the pycountry package)."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def country_choices() -> tuple[tuple[str, str], ...]:
    """(alpha-2 code, name) for every current ISO 3166-1 country, sorted by name."""
    entries = [
        (country.alpha_2, getattr(country, "common_name", None) or country.name)
        for country in pycountry.countries
    ]
    return tuple(sorted(entries, key=lambda entry: entry[1]))


UNITED_STATES = "US"


@cache
def countries_united_states_first() -> tuple[tuple[str, str], ...]:
    """The same list with the United States first, where most people here look for it."""
    choices = country_choices()
    return (
        *(entry for entry in choices if entry[0] == UNITED_STATES),
        *(entry for entry in choices if entry[0] != UNITED_STATES),
    )


@cache
def _names() -> dict[str, str]:
    return dict(country_choices())


def is_country_code(code: str) -> bool:
    return code in _names()


def country_name(code: str) -> str:
    return _names().get(code, code)
