"""The evidence model: each kind's strength and check methods, and the assurance it gives."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Membership, User
from attestations import evidence
from attestations.evidence import assurance_of
from attestations.models import Document
from attestations.selectors import verification_status
from tests.attestations.factories import AttestationFactory, DocumentFactory
from tests.support.factories import MembershipFactory, OrganizationFactory, SponsorshipFactory

# The kinds as docs/onboarding.md describes them: (strength, validation, verification).
KINDS = [
    (evidence.ATTESTATION, "none", None, None),
    # Check digits consult no record: not OIDC4IDA's `data` (an electronic record matched).
    (evidence.MRZ_TYPED, "none", None, None),
    (evidence.DOCUMENT_READ, "strong", "vri", None),
    (evidence.DOCUMENT_REVIEWED, "strong", "vri", None),
    (evidence.SPONSORSHIP, "fair", "data", None),
]


@pytest.mark.parametrize(("item", "strength", "validation", "verification"), KINDS)
def test_each_kind_of_evidence_has_its_strength_and_check_methods(
    item: evidence.Evidence, strength: str, validation: str | None, verification: str | None
) -> None:
    assert item.strength == strength
    assert item.strength_reason.endswith(".")
    assert (item.validation.method if item.validation else None) == validation
    assert (item.verification.method if item.verification else None) == verification
    if item.validation:
        assert item.validation.performed_by


def test_typed_lines_prove_data_consistency_never_possession() -> None:
    assert evidence.MRZ_TYPED.methods == ()
    assert evidence.MRZ_TYPED.verification is None
    assurance = assurance_of(
        attested_us_person=True,
        document_read=False,
        document_reviewed=False,
        mrz_typed=True,
        sponsorship=False,
    )
    assert assurance.ial == "none"
    assert assurance.methods == []
    assert len(assurance.gaps) == 2
    assert "typed" in assurance.gaps[0]


@pytest.mark.parametrize(
    ("flags", "ial", "methods", "gaps"),
    [
        ({}, "none", [], 2),
        ({"document_read": True}, "ial1", ["vri"], 1),
        ({"sponsorship": True}, "ial1", ["data"], 1),
        ({"document_read": True, "sponsorship": True}, "ial1", ["vri", "data"], 1),
        ({"document_reviewed": True}, "ial2", ["vri"], 0),
        ({"document_reviewed": True, "mrz_typed": True}, "ial2", ["vri"], 0),
        ({"vendor": "Stripe Identity"}, "ial2", ["vri", "bvr"], 0),
        ({"vendor": "Stripe Identity", "sponsorship": True}, "ial2", ["vri", "bvr", "data"], 0),
    ],
)
def test_the_evidence_gives_an_assurance_and_a_sentence_per_gap(
    flags: dict[str, Any], ial: str, methods: list[str], gaps: int
) -> None:
    options: dict[str, Any] = {
        "document_read": False,
        "document_reviewed": False,
        "mrz_typed": False,
        "sponsorship": False,
        **flags,
    }
    assurance = assurance_of(attested_us_person=True, **options)
    assert (assurance.ial, assurance.methods, len(assurance.gaps)) == (ial, methods, gaps)
    assert all(gap.endswith(".") for gap in assurance.gaps)


def test_without_a_us_person_attestation_there_is_no_assurance_whatever_else() -> None:
    assurance = assurance_of(
        attested_us_person=False,
        document_read=True,
        document_reviewed=True,
        mrz_typed=False,
        sponsorship=True,
        vendor="Stripe Identity",
    )
    assert (assurance.ial, assurance.evidence, len(assurance.gaps)) == ("none", (), 3)


def test_a_vendor_verification_is_strong_image_validated_evidence_with_a_biometric_match() -> None:
    assurance = assurance_of(
        attested_us_person=True,
        document_read=False,
        document_reviewed=False,
        mrz_typed=False,
        sponsorship=False,
        vendor="Stripe Identity",
    )
    (vendor,) = [e for e in assurance.evidence if e.kind == "vendor_verified"]
    assert vendor.strength == "strong"
    assert vendor.validation is not None
    assert vendor.verification is not None
    # Images inspected remotely, not the chip's signed data: vri, not vcrypt.
    assert (vendor.validation.method, vendor.verification.method) == ("vri", "bvr")
    assert vendor.verification.performed_by.startswith("Stripe Identity")


@pytest.mark.django_db
@pytest.mark.sqlite
def test_the_level_query_computes_the_assurance_from_the_rows(stranger: User) -> None:
    AttestationFactory.create(user=stranger)
    assert verification_status(user=stranger).assurance.ial == "none"
    document = DocumentFactory.create(user=stranger, mrz_source="typed")
    status = verification_status(user=stranger)
    assert (status.level, status.basis, status.assurance.ial) == (1, "self", "none")
    assert [e.kind for e in status.assurance.evidence] == ["attestation"]
    Document.objects.filter(pk=document.pk).update(mrz_source="ocr")
    status = verification_status(user=stranger)
    assert (status.level, status.assurance.ial, status.assurance.methods) == (2, "ial1", ["vri"])
    organization = OrganizationFactory.create()
    MembershipFactory.create(user=stranger, organization=organization, role=Membership.Role.MEMBER)
    SponsorshipFactory.create(user=stranger, organization=organization)
    Document.objects.filter(pk=document.pk).update(status=Document.Status.APPROVED)
    status = verification_status(user=stranger)
    assert (status.level, status.assurance.ial) == (3, "ial2")
    assert [e.kind for e in status.assurance.evidence] == [
        "attestation",
        "document_reviewed",
        "sponsorship",
    ]
