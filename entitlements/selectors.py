"""Reads for the tiers API and the compliance console, scoped by who is asking."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Max, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors.users import is_compliance_officer
from attestations.selectors import VerificationStatus, verification_status
from entitlements.models import (
    DecisionReason,
    DecisionRecord,
    IssuedToken,
    ModelTier,
    UserRevocation,
)
from idverify.errors import NotFound

SEARCH_LIMIT = 20
RECENT_DECISIONS = 20


def tier_list() -> QuerySet[ModelTier]:
    """Every tier with its requirements and directive: public, verifiers and people read it."""
    return ModelTier.objects.order_by("slug")


def _require_officer(viewer: User) -> None:
    # "Not found", not "forbidden": the console does not admit it exists to others.
    if not is_compliance_officer(viewer):
        raise NotFound("Not found.")


def tier_list_for_console(*, viewer: User) -> QuerySet[ModelTier]:
    _require_officer(viewer)
    return ModelTier.objects.select_related("directive_set_by").order_by("slug")


def tier_get_for_console(*, viewer: User, slug: str) -> ModelTier:
    _require_officer(viewer)
    try:
        return ModelTier.objects.select_related("directive_set_by").get(slug=slug)
    except ModelTier.DoesNotExist:
        raise NotFound(f"There is no model tier called {slug!r}.") from None


@dataclass(frozen=True)
class DecisionSummary:
    since: datetime
    allowed: int
    denied: int
    by_reason: list[tuple[str, int]]


def decision_summary(*, viewer: User, hours: int = 24) -> DecisionSummary:
    """Decisions of the last ``hours``, counted by outcome and by reason code."""
    _require_officer(viewer)
    since = timezone.now() - timedelta(hours=hours)
    outcomes = dict(
        DecisionRecord.objects.filter(decided_at__gte=since)
        .values("allowed")
        .annotate(n=Count("id"))
        .values_list("allowed", "n")
    )
    reasons = (
        DecisionReason.objects.filter(decided_at__gte=since)
        .values("code")
        .annotate(n=Count("id"))
        .order_by("-n", "code")
        .values_list("code", "n")
    )
    return DecisionSummary(
        since=since,
        allowed=outcomes.get(True, 0),
        denied=outcomes.get(False, 0),
        by_reason=list(reasons),
    )


def user_search(*, viewer: User, query: str) -> list[User]:
    """People by exact public id, or by email (exact first, then containing the text)."""
    _require_officer(viewer)
    text = query.strip()
    if not text:
        return []
    try:
        wanted = uuid.UUID(text)
    except ValueError:
        pass
    else:
        return list(User.objects.filter(public_id=wanted))
    exact = list(User.objects.filter(email__iexact=text))
    if exact:
        return exact
    return list(User.objects.filter(email__icontains=text).order_by("email")[:SEARCH_LIMIT])


@dataclass(frozen=True)
class UserOverview:
    user: User
    status: VerificationStatus
    decisions: list[DecisionRecord]
    live_tokens: list[IssuedToken]
    blocked_by: UserRevocation | None


def live_tokens(*, user: User, now: datetime | None = None) -> QuerySet[IssuedToken]:
    """Tokens a verifier would still accept: unexpired, unrevoked, of the tier's epoch."""
    now = now or timezone.now()
    tokens = (
        IssuedToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
        # A directive change since issuance voided it (the tier moved to a new epoch).
        .filter(epoch__gte=F("tier__epoch"))
        .select_related("tier")
        .order_by("-issued_at")
    )
    cutoff = UserRevocation.objects.filter(user=user).aggregate(latest=Max("cutoff_at"))["latest"]
    if cutoff is not None:
        # Verifiers void iat <= cutoff, in whole seconds.
        first_live = cutoff.replace(microsecond=0) + timedelta(seconds=1)
        tokens = tokens.filter(issued_at__gte=first_live)
    return tokens


def user_overview(*, viewer: User, public_id: str) -> UserOverview:
    _require_officer(viewer)
    try:
        user = User.objects.get(public_id=uuid.UUID(str(public_id)))
    except (ValueError, User.DoesNotExist):
        raise NotFound("No such user.") from None
    decisions = list(
        DecisionRecord.objects.filter(user=user)
        .select_related("tier", "token")
        .order_by("-decided_at")[:RECENT_DECISIONS]
    )
    blocked_by = (
        UserRevocation.objects.filter(user=user, blocks_issuance=True, lifted_at__isnull=True)
        .select_related("actor")
        .order_by("-created_at")
        .first()
    )
    return UserOverview(
        user=user,
        status=verification_status(user=user),
        decisions=decisions,
        live_tokens=list(live_tokens(user=user)),
        blocked_by=blocked_by,
    )
