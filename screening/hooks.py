"""Screening as accounts and attestations ask for it (``accounts.screening_hook``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from accounts.models import User
from accounts.screening_hook import ScreeningRequest, ScreeningVerdict, register_screener
from screening.matching.index import Query, current_index
from screening.models import ScreeningMatch
from screening.services.subjects import Subject, subject_screen


def _subject(request: ScreeningRequest) -> Subject:
    if request.kind == "organization":
        assert request.organization is not None  # noqa: S101 - the hook's contract
        return Subject.organisation(organization=request.organization)
    if request.kind == "roster":
        assert request.organization is not None  # noqa: S101 - the hook's contract
        return Subject(
            kind="person",
            ref=_subject_ref(request),
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


def screen_requests(requests: Sequence[ScreeningRequest]) -> list[ScreeningVerdict]:
    """Search every subject in memory first; only those with candidates are recorded
    (the usual case, nobody, costs one query for the whole batch)."""
    index = current_index()
    if not index.version:
        return [ScreeningVerdict(held=False, new_matches=0, list_version="")] * len(requests)
    subjects = [_subject_ref(request) for request in requests]
    held = set(
        ScreeningMatch.objects.filter(
            subject_ref__in=subjects, status__in=ScreeningMatch.HOLDING
        ).values_list("subject_ref", flat=True)
    )
    threshold: float = settings.IDV_SCREENING_THRESHOLD
    verdicts = []
    for request, ref in zip(requests, subjects, strict=True):
        query = Query(request.name, countries=request.countries, kind="person")
        if request.kind == "roster" and not index.search(query, threshold=threshold):
            verdicts.append(ScreeningVerdict(ref in held, 0, index.version))
        else:
            verdicts.append(screen_request(request))
    return verdicts


def _subject_ref(request: ScreeningRequest) -> str:
    if request.kind == "roster" and request.organization is not None:
        return f"roster:{request.organization.public_id}:{request.email}"
    if request.kind == "organization" and request.organization is not None:
        return f"organization:{request.organization.public_id}"
    return f"user:{request.user.public_id}" if request.user is not None else ""


def connect() -> None:
    register_screener(screen_request, screen_requests)
