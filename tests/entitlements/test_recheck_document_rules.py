"""Re-checks of a changed document-type mapping: documents that passed under the old
mapping and do not count under the new one go back to an officer, and the tokens
resting on them are revoked; a mapping that cannot be read stops nothing else."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from attestations.document_rules import document_rules_digest
from attestations.models import Document, ReviewReason
from attestations.selectors import mrz_purpose
from audit.models import AuditEvent
from entitlements.models import IssuedToken, RecheckState
from entitlements.services import rechecks
from entitlements.services.rechecks import CAUSE_DOCUMENT_RULES, assurance_recheck_sweep
from idverify import crypto
from tests.attestations.mrz_samples import td3
from tests.entitlements.support import person, tier
from tests.entitlements.test_rechecks import issue, reviewed, voided_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_places")]


def _rules_without_us_passports(tmp_path: Path) -> Path:
    shipped = json.loads(
        (
            Path(__file__).resolve().parents[2] / "attestations/mrz/data/document_rules.json"
        ).read_text()
    )
    shipped["rules"] = [
        rule
        for rule in shipped["rules"]
        if not (rule["document_type"] == "us_passport" and rule["issuer"] == "USA")
    ]
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(shipped))
    return path


def test_a_changed_document_mapping_sends_passed_documents_to_review_and_revokes(
    settings: Settings, tmp_path: Path
) -> None:
    fable = tier(min_level=2, min_assurance="ial1")
    user, approved = person(2), reviewed(person(2))
    for holder in (user, approved):
        document = Document.objects.get(user=holder)
        document.mrz_source = "ocr"
        document.mrz_sealed = crypto.encrypt(td3().encode(), purpose=mrz_purpose(document))
        document.save()
    token, kept = issue(user, fable), issue(approved, fable)
    assurance_recheck_sweep()  # records the shipped mapping; nothing changes
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Document.objects.get(user=user).status == Document.Status.PASSED

    settings.IDV_DOCUMENT_RULES_FILE = str(_rules_without_us_passports(tmp_path))
    outcome = assurance_recheck_sweep()

    document = Document.objects.get(user=user)
    assert document.status == Document.Status.NEEDS_REVIEW
    assert ReviewReason.RULES_CHANGED in document.review_reasons
    assert document.supports_status == ""
    token.refresh_from_db()
    kept.refresh_from_db()
    assert token.revoked_at is not None
    assert kept.revoked_at is None, "an officer's approval does not rest on the mapping"
    assert list(outcome.revoked) == [str(user.public_id)]
    assert voided_events()[0]["recheck"]["cause"] == CAUSE_DOCUMENT_RULES
    rechecked = AuditEvent.objects.get(action="document.rechecked")
    assert rechecked.data["reason"] == "rules_changed"
    assert RecheckState.objects.get().document_rules_digest == document_rules_digest()
    # Idempotent: the same mapping again finds nothing to do.
    assert assurance_recheck_sweep().revoked == {}
    assert AuditEvent.objects.filter(action="document.rechecked").count() == 1


def test_an_unreadable_mapping_does_not_stop_the_expiry_re_check(
    settings: Settings, tmp_path: Path
) -> None:
    fable = tier(min_level=2)
    user = person(2)
    token = issue(user, fable)
    ends = timezone.now() + timedelta(days=40)
    user.attestations.update(expires_at=ends)
    IssuedToken.objects.filter(pk=token.pk).update(
        issued_at=ends - timedelta(minutes=5), expires_at=ends + timedelta(minutes=5)
    )
    broken = tmp_path / "rules.json"
    broken.write_text("{not json")
    settings.IDV_DOCUMENT_RULES_FILE = str(broken)

    outcome = assurance_recheck_sweep(now=ends + timedelta(minutes=1))

    assert list(outcome.revoked) == [str(user.public_id)]
    assert not RecheckState.objects.exclude(document_rules_digest="").exists()


@pytest.mark.sqlite  # the quick start's database runs the re-checks too
def test_a_run_that_moved_a_document_but_failed_to_revoke_is_finished_by_the_next(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fable = tier(min_level=2, min_assurance="ial1")
    user = person(2)
    document = Document.objects.get(user=user)
    document.mrz_source = "ocr"
    document.mrz_sealed = crypto.encrypt(td3().encode(), purpose=mrz_purpose(document))
    document.save()
    token = issue(user, fable)
    assurance_recheck_sweep()
    settings.IDV_DOCUMENT_RULES_FILE = str(_rules_without_us_passports(tmp_path))

    def unavailable(**kwargs: object) -> None:
        raise RuntimeError("revocation store unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(rechecks, "users_tokens_void", unavailable)
        with pytest.raises(RuntimeError):
            assurance_recheck_sweep()
    assert Document.objects.get(user=user).status == Document.Status.NEEDS_REVIEW
    token.refresh_from_db()
    assert token.revoked_at is None

    outcome = assurance_recheck_sweep()

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert list(outcome.revoked) == [str(user.public_id)]
