"""Reads for compliance officers: the potential-match queue, one match, the latest re-screen."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors.users import is_compliance_officer
from idverify.errors import NotFound, PermissionDenied, ValidationFailed
from idverify.url_ids import uuid_or_not_found
from screening.models import RescreenJob, ScreeningMatch


def _require_officer(viewer: User) -> None:
    if not is_compliance_officer(viewer):
        raise PermissionDenied("Only a compliance officer can see screening matches.")


def match_list(
    *, viewer: User, status: str = "", kind: str = "", search: str = ""
) -> QuerySet[ScreeningMatch]:
    """Matches, oldest pending first; filter by status, subject kind, or a name/email."""
    _require_officer(viewer)
    matches = ScreeningMatch.objects.select_related("user", "organization", "decided_by")
    errors: dict[str, list[str]] = {}
    if status and status not in ScreeningMatch.Status.values:
        errors["status"] = [f"Use one of: {', '.join(ScreeningMatch.Status.values)}."]
    if kind and kind not in ScreeningMatch.SubjectKind.values:
        errors["kind"] = [f"Use one of: {', '.join(ScreeningMatch.SubjectKind.values)}."]
    if errors:
        raise ValidationFailed(fields=errors)
    if status:
        matches = matches.filter(status=status)
    if kind:
        matches = matches.filter(subject_kind=kind)
    if search.strip():
        term = search.strip()[:200]
        matches = matches.filter(
            Q(subject_data__name__icontains=term)
            | Q(subject_data__label__icontains=term)
            | Q(matched_name__icontains=term)
        )
    return matches.order_by("created_at", "id")


def match_get(*, viewer: User, public_id: object) -> ScreeningMatch:
    _require_officer(viewer)
    wanted = uuid_or_not_found(public_id, what="screening match")
    match = (
        ScreeningMatch.objects.select_related("user", "organization", "decided_by")
        .filter(public_id=wanted)
        .first()
    )
    if match is None:
        raise NotFound("No such screening match.")
    return match


def rescreen_progress() -> RescreenJob | None:
    """The latest re-screen, for the review page."""
    return RescreenJob.objects.order_by("-created_at", "-pk").first()
