"""Screening as accounts and attestations ask for it (``accounts.screening_hook``)."""

from __future__ import annotations

from accounts.models import User
from accounts.screening_hook import ScreeningRequest, ScreeningVerdict, register_screener
from screening.services import Subject, subject_screen


def _subject(request: ScreeningRequest) -> Subject:
    if request.kind == "organization":
        assert request.organization is not None  # noqa: S101 - the hook's contract
        return Subject.organisation(organization=request.organization)
    if request.kind == "roster":
        assert request.organization is not None  # noqa: S101 - the hook's contract
        return Subject(
            kind="person",
            ref=f"roster:{request.organization.public_id}:{request.email}",
            name=request.name,
            label=f"{request.email} (enrolled by {request.organization.legal_name})",
            countries=request.countries,
            # Someone who already has an account is held as themselves.
            user=User.objects.filter(email__iexact=request.email).first(),
        )
    assert request.user is not None  # noqa: S101 - the hook's contract
    return Subject.person(
        user=request.user,
        given_names=request.name,
        family_name="",
        birth_date=request.birth_date,
        countries=request.countries,
    )


def screen_request(request: ScreeningRequest) -> ScreeningVerdict:
    outcome = subject_screen(subject=_subject(request), context=request.context)
    return ScreeningVerdict(
        held=outcome.held,
        new_matches=len(outcome.new_matches),
        list_version=outcome.list_version,
    )


def connect() -> None:
    register_screener(screen_request)
