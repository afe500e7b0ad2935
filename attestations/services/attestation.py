"""Signing an attestation: validated, hashed declaration, location signals recorded."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.screening_hook import screen_person
from attestations.countries import is_country_code
from attestations.identity import identity_fingerprint
from attestations.models import Attestation, UsPersonStatus
from attestations.selectors import declaration_current
from audit.services import audit_record
from geo.location_signals import GeoSignals
from geo.models import GeoSignal
from geo.places import evaluate
from geo.selectors import embargoed_place_rules, local_addresses_allowed
from geo.services import geosignal_record
from idverify.errors import Conflict, ValidationFailed

MAX_AGE_YEARS = 130
MIN_AGE_YEARS = 13


def _folded(name: str) -> str:
    """Case, accents and spacing do not matter when comparing a typed signature."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def _validate_person(
    *,
    given_names: str,
    family_name: str,
    date_of_birth: dt.date,
    country_of_birth: str,
    today: dt.date,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not family_name:
        errors["family_name"] = ["Enter your family name as it appears on your documents."]
    for field, value in (("given_names", given_names), ("family_name", family_name)):
        if len(value) > 200:
            errors[field] = ["Use at most 200 characters."]
    if date_of_birth >= today:
        errors["date_of_birth"] = ["Your date of birth must be in the past."]
    elif date_of_birth.year < today.year - MAX_AGE_YEARS:
        errors["date_of_birth"] = ["Check the year of your date of birth."]
    elif (today - date_of_birth).days < MIN_AGE_YEARS * 365:
        errors["date_of_birth"] = [f"You must be at least {MIN_AGE_YEARS} years old."]
    if not is_country_code(country_of_birth):
        errors["country_of_birth"] = ["Choose your country of birth from the list."]
    return errors


def status_errors(*, status: str, citizenships: Sequence[str]) -> dict[str, list[str]]:
    """Whether the status fits the citizenships; the attestation's status step asks too,
    so the person hears it on that step rather than at the signature."""
    errors: dict[str, list[str]] = {}
    if status not in UsPersonStatus.values:
        errors["status"] = ["Choose the status that describes you."]
    unknown = [code for code in citizenships if not is_country_code(code)]
    if unknown:
        errors["citizenships"] = [f"Unknown country codes: {', '.join(unknown)}."]
    elif status == UsPersonStatus.US_CITIZEN and "US" not in citizenships:
        errors["citizenships"] = ["You said you are a U.S. citizen: include the United States."]
    elif status == UsPersonStatus.NOT_US_PERSON and "US" in citizenships:
        errors["status"] = [
            "A citizen of the United States is a U.S. person: choose “U.S. citizen”."
        ]
    return errors


def signature_error(*, signature_name: str, given_names: str, family_name: str) -> str | None:
    """Why the typed signature is not the attested name, or None when it is."""
    expected = f"{given_names} {family_name}"
    if _folded(signature_name) != _folded(expected):
        return f"Type your full name exactly as given above: {expected.strip()}."
    return None


def _validate_signature(
    *, given_names: str, family_name: str, signature_name: str, perjury_acknowledged: bool
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    problem = signature_error(
        signature_name=signature_name, given_names=given_names, family_name=family_name
    )
    if problem:
        errors["signature_name"] = [problem]
    if not perjury_acknowledged:
        errors["perjury_acknowledged"] = ["Confirm that you sign under penalty of perjury."]
    return errors


def attestation_submit(
    *,
    user: User,
    status: str,
    given_names: str,
    family_name: str,
    date_of_birth: dt.date,
    country_of_birth: str,
    citizenships: Sequence[str],
    declaration_version: str,
    signature_name: str,
    perjury_acknowledged: bool,
    request_signals: GeoSignals,
) -> Attestation:
    """Sign a new attestation; a previous active one is superseded (renewal).

    The location signals at signing are evaluated against the embargoed places
    and recorded; when they are not clean (embargoed place, anonymiser, unknown)
    the attestation is kept but gives no verification level until a compliance
    officer settles it.
    """
    given_names, family_name = given_names.strip(), family_name.strip()
    country_of_birth = country_of_birth.strip().upper()
    codes = sorted({code.strip().upper() for code in citizenships if code.strip()})
    now = timezone.now()
    errors = {
        **_validate_person(
            given_names=given_names,
            family_name=family_name,
            date_of_birth=date_of_birth,
            country_of_birth=country_of_birth,
            today=now.date(),
        ),
        **status_errors(status=status, citizenships=codes),
        **_validate_signature(
            given_names=given_names,
            family_name=family_name,
            signature_name=signature_name,
            perjury_acknowledged=perjury_acknowledged,
        ),
    }
    if errors:
        raise ValidationFailed(fields=errors)
    declaration = declaration_current()
    if declaration_version != declaration.version:
        raise Conflict(
            "The declaration was updated while you were signing. Read the new text and sign again.",
            code="declaration_changed",
        )
    evaluation = evaluate(
        request_signals,
        blocked_places=embargoed_place_rules(),
        anonymizers_allowed=False,
        fail_closed=True,
        local_allowed=local_addresses_allowed(),
    )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        signal = geosignal_record(
            signals=request_signals, evaluation=evaluation, purpose=GeoSignal.Purpose.ATTESTATION
        )
        previous = (
            Attestation.objects.select_for_update()
            .filter(user=user, state=Attestation.State.ACTIVE)
            .first()
        )
        if previous is not None:
            previous.state = Attestation.State.SUPERSEDED
            previous.save(update_fields=["state"])
        attestation = Attestation.objects.create(
            user=user,
            status=status,
            given_names=given_names,
            family_name=family_name,
            date_of_birth=date_of_birth,
            country_of_birth=country_of_birth,
            citizenships=codes,
            signature_name=signature_name.strip(),
            perjury_acknowledged=True,
            declaration_version=declaration.version,
            declaration_sha256=declaration.sha256,
            signed_at=now,
            expires_at=now + timedelta(days=settings.IDV_ATTESTATION_VALIDITY_DAYS),
            geo_clean=evaluation.allowed,
            geo_signal=signal,
            geo_reasons=[
                {"code": reason.code, "message": reason.message, "blocking": reason.blocking}
                for reason in evaluation.reasons
            ],
            signed_from_ip=None if request_signals.ip is None else str(request_signals.ip),
            supersedes=previous,
            identity_fingerprint=identity_fingerprint(
                family_name=family_name, given_names=given_names, date_of_birth=date_of_birth
            ),
        )
        audit_record(
            action="attestation.signed",
            actor=user,
            subject_type="user",
            subject_id=user.public_id,
            data={
                "attestation": attestation.public_id,
                "status": status,
                "declaration_version": declaration.version,
                "declaration_sha256": declaration.sha256,
                "geo_clean": evaluation.allowed,
                "geo_reasons": [reason.code for reason in evaluation.reasons],
                "geo_signal": signal.pk,
                "supersedes": previous.public_id if previous else None,
                # Documents checked against the previous identity stop counting.
                "identity_changed": previous is not None
                and previous.identity_fingerprint != attestation.identity_fingerprint,
            },
        )
        # Restricted-party screening of the attested identity; a potential match
        # holds the person's tokens until an officer decides (screening app).
        screen_person(
            user=user,
            given_names=given_names,
            family_name=family_name,
            birth_date=date_of_birth,
            countries=[*codes, country_of_birth],
            context="attestation",
        )
    return attestation
