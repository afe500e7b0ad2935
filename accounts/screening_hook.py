"""The seam through which accounts and attestations ask for restricted-party screening.

The screening app sits above accounts and attestations (it reads them), so they
cannot import it; it registers its screener here at start-up, as entitlements
registers the tier-needs provider with attestations. Callers screen inside
their own transaction, so new data and the hold it causes commit together.
Without a registered screener (the app not installed) nothing is screened and
callers get None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from accounts.models import Organization, User


@dataclass(frozen=True)
class ScreeningRequest:
    kind: Literal["person", "organization", "roster"]
    context: str
    name: str = ""
    birth_date: date | None = None
    countries: tuple[str, ...] = ()
    user: User | None = None
    organization: Organization | None = None
    # A roster row (bulk enrolment): who enrolled them and the address they were given.
    email: str = ""


@dataclass(frozen=True)
class ScreeningVerdict:
    # The subject has an unresolved (or confirmed) potential match.
    held: bool
    new_matches: int
    list_version: str


Screener = Callable[[ScreeningRequest], ScreeningVerdict]
BatchScreener = Callable[[Sequence[ScreeningRequest]], list[ScreeningVerdict]]
_screeners: list[tuple[Screener, BatchScreener]] = []


def register_screener(screener: Screener, batch: BatchScreener) -> None:
    _screeners[:] = [(screener, batch)]


def screen(request: ScreeningRequest) -> ScreeningVerdict | None:
    return _screeners[0][0](request) if _screeners else None


def screen_many(requests: Sequence[ScreeningRequest]) -> list[ScreeningVerdict] | None:
    """Many subjects at once (a chunk of enrolment rows): the database is touched only
    for the few that match, so screening adds little to a large import."""
    return _screeners[0][1](requests) if _screeners else None


def screen_person(
    *,
    user: User,
    given_names: str,
    family_name: str,
    birth_date: date | None,
    countries: Sequence[str],
    context: str,
) -> ScreeningVerdict | None:
    return screen(
        ScreeningRequest(
            kind="person",
            context=context,
            name=f"{given_names} {family_name}".strip(),
            birth_date=birth_date,
            countries=tuple(countries),
            user=user,
        )
    )


def screen_organization(*, organization: Organization, context: str) -> ScreeningVerdict | None:
    return screen(ScreeningRequest(kind="organization", context=context, organization=organization))
