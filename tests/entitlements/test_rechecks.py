"""Re-checks: a raised tier minimum, expired evidence or a changed document mapping
revokes the tokens already issued above what the evidence now supports, and nothing else."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from attestations.models import Document
from attestations.selectors import verification_status
from audit.models import AuditEvent
from entitlements import publication
from entitlements.models import IssuedToken, ModelTier
from entitlements.policy import ASSURANCE_TOO_LOW, LEVEL_TOO_LOW
from entitlements.services import rechecks
from entitlements.services.rechecks import (
    CAUSE_EVIDENCE_EXPIRED,
    CAUSE_TIER_CHANGED,
    IAL_ABOVE_EVIDENCE,
    LEVEL_ABOVE_EVIDENCE,
    assurance_recheck_sweep,
)
from entitlements.services.tiers import tier_update
from entitlements.services.tokens import token_issue
from tests.entitlements.support import person, signals, tier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]


def reviewed(user: User) -> User:
    """Make the person's document one a compliance officer approved (IAL2-equivalent)."""
    Document.objects.filter(user=user).update(status=Document.Status.APPROVED)
    return user


def issue(user: User, model: ModelTier) -> IssuedToken:
    outcome = token_issue(user=user, tier=model, signals=signals())
    assert outcome.claims is not None, outcome.decision.reason_codes
    return IssuedToken.objects.get(jti=outcome.claims["jti"])


def published() -> dict[str, Any]:
    """The revocation document as verifiers read it (the read publishes waiting cutoffs)."""
    return publication.revocation_document().payload


def serial() -> int:
    return int(published()["serial"])


def voided_events() -> list[dict[str, Any]]:
    return [
        event.data
        for event in AuditEvent.objects.filter(action="user.tokens_voided").order_by("id")
    ]


@pytest.mark.sqlite  # the quick start's database runs the re-checks too
def test_raising_a_tiers_minimum_assurance_revokes_only_the_tokens_below_it(
    officer: User,
) -> None:
    fable = tier(min_level=2, min_assurance="ial1")
    ial1, ial2 = person(2), reviewed(person(2))
    low, high = issue(ial1, fable), issue(ial2, fable)
    assert (low.ial, high.ial) == ("ial1", "ial2")

    tier_update(actor=officer, slug="fable-5", reason="Order 2026-12", min_assurance="ial2")

    low.refresh_from_db()
    high.refresh_from_db()
    assert low.revoked_at is not None
    assert low.revoked_via == "user"
    assert "fable-5's requirements changed: Order 2026-12" in low.revoked_reason
    assert high.revoked_at is None
    assert list(published()["users"]) == [str(ial1.public_id)]
    (voided,) = voided_events()
    assert voided["recheck"]["cause"] == CAUSE_TIER_CHANGED
    assert voided["recheck"]["ial"] == "ial1"
    assert voided["recheck"]["tokens"] == [
        {"jti": str(low.jti), "tier": "fable-5", "reasons": [ASSURANCE_TOO_LOW]}
    ]
    updated = AuditEvent.objects.get(action="tier.updated")
    voided_event = AuditEvent.objects.get(action="user.tokens_voided")
    assert updated.actor == voided_event.actor == f"user:{officer.public_id}"
    assert updated.data["recheck"] == {
        "tokens_checked": 2,
        "people_checked": 2,
        "people_revoked": 1,
    }
    # The new rule refuses a new token too; the reviewed person still gets one.
    raised = ModelTier.objects.get(slug="fable-5")
    assert (
        ASSURANCE_TOO_LOW
        in token_issue(user=ial1, tier=raised, signals=signals()).decision.reason_codes
    )
    assert token_issue(user=ial2, tier=raised, signals=signals()).decision.allowed


def test_a_change_that_lowers_nobody_revokes_nothing(officer: User) -> None:
    fable = tier(min_level=1, min_assurance="none")
    token = issue(person(2), fable)
    before = serial()

    tier_update(actor=officer, slug="fable-5", reason="Tighten", min_level=2, min_assurance="ial1")
    tier_update(actor=officer, slug="fable-5", reason="Loosen", min_assurance="none")

    token.refresh_from_db()
    assert token.revoked_at is None
    assert serial() == before, "no revocation, no new document"
    assert voided_events() == []
    rechecks = [e.data["recheck"] for e in AuditEvent.objects.filter(action="tier.updated")]
    assert [r["people_revoked"] for r in rechecks] == [0, 0]


def test_a_name_change_is_not_a_requirement_change(officer: User) -> None:
    fable = tier(min_level=2)
    issue(person(2), fable)
    tier_update(actor=officer, slug="fable-5", reason="Rename", name="Fable five")
    event = AuditEvent.objects.get(action="tier.updated")
    assert "recheck" not in event.data
    assert ModelTier.objects.get(slug="fable-5").requirements_changed_at is None


def test_a_token_claiming_more_assurance_than_remains_is_revoked_even_where_the_tier_allows(
    officer: User,
) -> None:
    """A model API may ask for ial2 itself (Verifier(min_ial=...)): the claim must stay true."""
    fable = tier(min_level=2, min_assurance="ial1")
    user = reviewed(person(2))
    token = issue(user, fable)
    Document.objects.filter(user=user).update(status=Document.Status.PASSED)  # ial1 now

    outcome = assurance_recheck_sweep()
    assert outcome.revoked == {}, "nothing expired and no tier changed: the sweep leaves it"
    tier_update(actor=officer, slug="fable-5", reason="Re-check", min_level=1)

    token.refresh_from_db()
    assert token.revoked_at is not None
    (voided,) = voided_events()
    # Level 3 by review is level 2 by a checked document now, ial2 is ial1.
    assert voided["recheck"]["tokens"][0]["reasons"] == [IAL_ABOVE_EVIDENCE, LEVEL_ABOVE_EVIDENCE]


def _at_night(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


@pytest.mark.sqlite  # the quick start's database runs the re-checks too
def test_a_passport_past_its_expiry_date_drops_the_assurance_and_revokes_the_token() -> None:
    fable = tier(min_level=2, min_assurance="ial1")
    user = person(2)
    expiry = timezone.now().date() + timedelta(days=30)
    Document.objects.filter(user=user).update(document_expires_on=expiry)
    token = issue(user, fable)
    # The token was signed four minutes before midnight on the passport's last valid day.
    IssuedToken.objects.filter(pk=token.pk).update(
        issued_at=_at_night(expiry, 23, 56),
        expires_at=_at_night(expiry + timedelta(days=1), 0, 6),
    )
    before = _at_night(expiry, 23, 59)
    after = _at_night(expiry + timedelta(days=1), 0, 1)
    assert verification_status(user=user, at=before).assurance.ial == "ial1"
    assert verification_status(user=user, at=after).assurance.ial == "none"

    assert assurance_recheck_sweep(now=before).revoked == {}
    outcome = assurance_recheck_sweep(now=after)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert list(outcome.revoked) == [str(user.public_id)]
    (voided,) = voided_events()
    assert voided["recheck"]["cause"] == CAUSE_EVIDENCE_EXPIRED
    assert voided["recheck"]["ial"] == "none"
    assert set(voided["recheck"]["tokens"][0]["reasons"]) >= {LEVEL_TOO_LOW, ASSURANCE_TOO_LOW}
    assert "Evidence expired" in voided["reason"]
    assert str(user.public_id) in published()["users"]


def test_a_vendor_verified_passport_past_its_expiry_date_revokes_the_token() -> None:
    """A vendor verification counts through the verified passport's expiry date, like a
    document read here: the sweep that watches documents watches it too."""
    from attestations.models import VendorVerification

    mythos = tier(min_level=2, min_assurance="ial2")
    user = person(1)
    attestation = user.attestations.get()
    expiry = timezone.now().date() + timedelta(days=30)
    VendorVerification.objects.create(
        user=user,
        attestation=attestation,
        vendor="stripe_identity",
        session_id="vs_expiring",
        outcome=VendorVerification.Outcome.ACCEPTED,
        document_kind="passport",
        issuing_country="US",
        document_expires_on=expiry,
        selfie_verified=True,
        supports_status=attestation.status,
        identity_fingerprint=attestation.identity_fingerprint,
    )
    token = issue(user, mythos)
    IssuedToken.objects.filter(pk=token.pk).update(
        issued_at=_at_night(expiry, 23, 56),
        expires_at=_at_night(expiry + timedelta(days=1), 0, 6),
    )
    before = _at_night(expiry, 23, 59)
    after = _at_night(expiry + timedelta(days=1), 0, 1)
    assert verification_status(user=user, at=before).assurance.ial == "ial2"

    assert assurance_recheck_sweep(now=before).revoked == {}
    outcome = assurance_recheck_sweep(now=after)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert list(outcome.revoked) == [str(user.public_id)]
    (voided,) = voided_events()
    assert voided["recheck"]["cause"] == CAUSE_EVIDENCE_EXPIRED


def test_an_attestation_whose_validity_runs_out_revokes_the_token() -> None:
    fable = tier(min_level=2)
    user = person(2)
    token = issue(user, fable)
    ends = timezone.now() + timedelta(days=40)
    user.attestations.update(expires_at=ends)
    IssuedToken.objects.filter(pk=token.pk).update(
        issued_at=ends - timedelta(minutes=5), expires_at=ends + timedelta(minutes=5)
    )

    outcome = assurance_recheck_sweep(now=ends + timedelta(minutes=1))

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert outcome.revoked[str(user.public_id)][0]["reasons"][0] == LEVEL_TOO_LOW
    assert voided_events()[0]["recheck"]["level"] == 0


def test_re_running_the_sweep_and_the_tier_edit_changes_nothing_more(officer: User) -> None:
    fable = tier(min_level=2)
    user = person(2)
    token = issue(user, fable)
    ends = timezone.now() + timedelta(days=40)
    user.attestations.update(expires_at=ends)
    IssuedToken.objects.filter(pk=token.pk).update(
        issued_at=ends - timedelta(minutes=5), expires_at=ends + timedelta(minutes=5)
    )
    now = ends + timedelta(minutes=1)
    assurance_recheck_sweep(now=now)
    after_first = (serial(), AuditEvent.objects.count())

    again = assurance_recheck_sweep(now=now)
    tier_update(actor=officer, slug="fable-5", reason="Same again", min_level=2)

    assert again.revoked == {}
    assert again.tokens_checked == 0
    assert (serial(), AuditEvent.objects.count()) == after_first


def test_evidence_that_expired_long_before_the_token_is_not_counted_against_it() -> None:
    """An old passport expired years ago, a new one counts: the holder keeps the token."""
    fable = tier(min_level=2, min_assurance="ial1")
    user = person(2)
    Document.objects.create(
        user=user,
        document_type="us_passport",
        status=Document.Status.PASSED,
        supports_status="us_citizen",
        document_expires_on=timezone.now().date() - timedelta(days=1),
    )
    token = issue(user, fable)
    outcome = assurance_recheck_sweep()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert outcome.revoked == {}


def test_a_raised_minimum_never_commits_without_its_revocations(
    officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-check runs in the change's transaction: if revoking fails, nothing changes."""
    fable = tier(min_level=2, min_assurance="ial1")
    token = issue(person(2), fable)

    def unavailable(**kwargs: object) -> None:
        raise RuntimeError("revocation store unavailable")

    monkeypatch.setattr(rechecks, "users_tokens_void", unavailable)
    with pytest.raises(RuntimeError):
        tier_update(actor=officer, slug="fable-5", reason="Order 2026-12", min_assurance="ial2")

    assert ModelTier.objects.get(slug="fable-5").min_assurance == "ial1"
    assert not AuditEvent.objects.filter(action="tier.updated").exists()
    token.refresh_from_db()
    assert token.revoked_at is None
