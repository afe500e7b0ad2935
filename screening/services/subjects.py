"""Screening a subject against the current lists and recording its potential matches.

``screen`` only reads. ``subject_screen`` records each candidate at or above
the threshold as a pending match (idempotent: the same data against the same
entry is one row) and says whether the subject now has a hold (a pending or
confirmed match). A pair an officer cleared stays cleared while neither the
subject's screened data nor the list entry changes (both are fingerprinted).
Holds are announced after commit (``screening.signals.subjects_held``) so the
subject's live tokens can be voided.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.models import Organization, User
from audit.services import AuditEntry, audit_record_many
from screening import signals
from screening.matching.index import Candidate, Query, SubjectKind, current_index
from screening.models import ScreeningMatch

Status = ScreeningMatch.Status


@dataclass(frozen=True)
class ScreenResult:
    list_version: str
    candidates: list[Candidate]


@dataclass(frozen=True)
class Subject:
    """Who is screened, and the data screened. ``ref`` names them across screenings."""

    kind: SubjectKind
    ref: str
    name: str
    label: str
    birth_date: date | None = None
    countries: tuple[str, ...] = ()
    user: User | None = None
    organization: Organization | None = None

    def data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "label": self.label,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "countries": sorted(self.countries),
        }

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.data(), sort_keys=True).encode()).hexdigest()

    @classmethod
    def person(
        cls,
        *,
        user: User,
        given_names: str,
        family_name: str,
        birth_date: date | None,
        countries: Sequence[str],
    ) -> Subject:
        return cls(
            kind="person",
            ref=f"user:{user.public_id}",
            name=f"{given_names} {family_name}".strip(),
            label=user.email,
            birth_date=birth_date,
            # A U.S. citizenship says nothing about a foreign list entry.
            countries=tuple(c for c in countries if c != "US"),
            user=user,
        )

    @classmethod
    def organisation(cls, *, organization: Organization) -> Subject:
        country = organization.country_of_incorporation
        return cls(
            kind="organization",
            ref=f"organization:{organization.public_id}",
            name=organization.legal_name,
            label=organization.legal_name,
            countries=(country,) if country else (),
            organization=organization,
        )


@dataclass
class SubjectOutcome:
    list_version: str
    held: bool
    new_matches: list[ScreeningMatch] = field(default_factory=list)
    candidates: int = 0


def screen(query: Query, *, threshold: float | None = None) -> ScreenResult:
    index = current_index()
    limit = settings.IDV_SCREENING_THRESHOLD if threshold is None else threshold
    return ScreenResult(index.version, index.search(query, threshold=limit))


def _entry_data(candidate: Candidate) -> dict[str, Any]:
    return {"id": candidate.entry.id, **candidate.entry.data}


def _holding(subject: Subject) -> bool:
    matches = ScreeningMatch.objects.filter(status__in=ScreeningMatch.HOLDING)
    if subject.user is not None:
        return matches.filter(user=subject.user).exists()
    if subject.organization is not None:
        return matches.filter(organization=subject.organization).exists()
    return matches.filter(subject_ref=subject.ref).exists()


def subject_screen(*, subject: Subject, context: str) -> SubjectOutcome:
    """Screen ``subject``; record new potential matches; report whether it is held.

    Joins the caller's transaction when there is one, so a person's new data and
    the hold it causes commit together.
    """
    result = screen(
        Query(
            subject.name,
            birth_date=subject.birth_date,
            countries=subject.countries,
            kind=subject.kind,
        )
    )
    outcome = SubjectOutcome(list_version=result.list_version, held=False)
    outcome.candidates = len(result.candidates)
    fingerprint = subject.fingerprint
    with transaction.atomic():
        known = (
            set()
            if not result.candidates
            else {
                (key, entry_fp, subject_fp)
                for key, entry_fp, subject_fp in ScreeningMatch.objects.filter(
                    subject_ref=subject.ref, entry_key__in=[c.entry.key for c in result.candidates]
                ).values_list("entry_key", "entry_fingerprint", "subject_fingerprint")
            }
        )
        for candidate in result.candidates:
            if (candidate.entry.key, candidate.entry.fingerprint, fingerprint) in known:
                continue  # decided or pending already, for exactly this data
            outcome.new_matches.append(
                ScreeningMatch(
                    subject_kind=subject.kind,
                    subject_ref=subject.ref,
                    user=subject.user,
                    organization=subject.organization,
                    subject_data=subject.data(),
                    subject_fingerprint=fingerprint,
                    entry_id=candidate.entry.id,
                    entry_key=candidate.entry.key,
                    entry_fingerprint=candidate.entry.fingerprint,
                    entry_data=_entry_data(candidate),
                    matched_name=candidate.matched_name,
                    score=candidate.score,
                    features=candidate.features,
                    list_version=result.list_version,
                    context=context[:40],
                )
            )
        if outcome.new_matches:
            ScreeningMatch.objects.bulk_create(outcome.new_matches)
            audit_record_many(
                [
                    AuditEntry(
                        action="screening.potential_match",
                        actor=None,
                        subject_type=subject.kind,
                        subject_id=subject.ref.split(":", 1)[1],
                        organization_id=subject.organization.public_id
                        if subject.organization
                        else None,
                        data={
                            "match": match.public_id,
                            "entry_key": match.entry_key,
                            "source_list": match.entry_data.get("source_list"),
                            "score": match.score,
                            "context": context,
                            "list_version": result.list_version,
                        },
                    )
                    for match in outcome.new_matches
                ]
            )
        outcome.held = _holding(subject)
        if outcome.new_matches and (subject.user or subject.organization):
            users = [subject.user] if subject.user else []
            orgs = [subject.organization] if subject.organization else []
            transaction.on_commit(
                lambda: signals.subjects_held.send(
                    sender=ScreeningMatch,
                    users=users,
                    organizations=orgs,
                    reason="Potential restricted-party match awaiting compliance review",
                )
            )
    return outcome
