"""Applying a changed document-type mapping to documents that already passed.

A document passed automatically because the mapping in force then said its
machine-readable lines show the attested status. When an operator changes the
mapping (``IDV_DOCUMENT_RULES_FILE``), each such document is checked again: one
the new mapping no longer supports stops counting and goes to a compliance
officer (``rules_changed``). A document an officer approved stays: that was a
person's judgement of the document, not the mapping's.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from attestations.models import Document, ReviewReason
from attestations.mrz import DocumentRule, JsonValue, check_to_json, parse_mrz
from attestations.mrz import DocumentType as MrzDocumentType
from attestations.mrz import Status as MrzStatus
from attestations.mrz.consistency import document_supports_status, document_type_matches
from attestations.selectors import document_mrz_text
from audit.services import audit_record

RULE_CHECKS = ("document_supports_status", "document_type_matches")


def _still_supported(
    document: Document, rules: tuple[DocumentRule, ...]
) -> list[dict[str, JsonValue]]:
    """The mapping's two checks made again; [] when both still pass."""
    reading = parse_mrz(document_mrz_text(document=document), today=timezone.now().date())
    if reading.fields is None:
        return []  # nothing to map: it passed on lines it could parse, so this is not reached
    checks = (
        document_supports_status(
            fields=reading.fields, status=MrzStatus(document.supports_status), rules=rules
        ),
        document_type_matches(
            fields=reading.fields,
            document_type=MrzDocumentType(document.document_type),
            rules=rules,
        ),
    )
    if all(check.passed for check in checks):
        return []
    return [check_to_json(check) for check in checks]


def documents_rules_recheck(*, rules: tuple[DocumentRule, ...], digest: str) -> list[int]:
    """Check every automatically passed document against ``rules``; return the ids of
    the people whose documents stopped counting. Idempotent: a document sent to review
    is not passed any more, so a second run finds nothing."""
    affected: list[int] = []
    passed = Document.objects.filter(status=Document.Status.PASSED).exclude(mrz_sealed=None)
    for document_id in passed.values_list("pk", flat=True).order_by("pk").iterator():
        with transaction.atomic():
            document = (
                Document.objects.select_for_update()
                .filter(pk=document_id, status=Document.Status.PASSED)
                .select_related("user")
                .first()
            )
            if document is None or not document.supports_status:
                continue
            rechecked = _still_supported(document, rules)
            if not rechecked:
                continue
            kept = [c for c in document.checks if c.get("name") not in RULE_CHECKS]
            document.checks = [*rechecked, *kept]
            document.status = Document.Status.NEEDS_REVIEW
            document.review_reasons = sorted({*document.review_reasons, ReviewReason.RULES_CHANGED})
            previous = document.supports_status
            document.supports_status = ""
            document.identity_fingerprint = ""
            document.decided_at = None
            document.save(
                update_fields=[
                    "checks",
                    "status",
                    "review_reasons",
                    "supports_status",
                    "identity_fingerprint",
                    "decided_at",
                ]
            )
            audit_record(
                action="document.rechecked",
                actor="idverify:recheck",
                subject_type="document",
                subject_id=document.public_id,
                data={
                    "user": document.user.public_id,
                    "reason": ReviewReason.RULES_CHANGED.value,
                    "supported_status": previous,
                    "document_rules": digest,
                    "failed": [c["name"] for c in rechecked if not c["passed"]],
                },
            )
            affected.append(document.user_id)
    return sorted(set(affected))
