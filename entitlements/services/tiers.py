"""Model tiers: create, change requirements, and set the emergency directive."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from entitlements.models import DirectiveState, ModelTier
from entitlements.services.rechecks import ELIGIBILITY_FIELDS, tier_tokens_recheck
from entitlements.services.revocations import (
    lock_revocation_state,
    republish,
    require_officer,
    require_reason,
)
from idverify.errors import NotFound, ValidationFailed

REQUIREMENT_FIELDS = (
    "name",
    "description",
    "min_level",
    "us_person_required",
    "sponsorship_required",
    "min_assurance",
    "anonymizers_allowed",
    "block_embargoed_places",
    "blocked_places",
)


def _validated(tier: ModelTier) -> None:
    tier.blocked_places = normalise_places(tier.blocked_places)
    try:
        # Uniqueness is checked under the lock, with a clearer message.
        tier.full_clean(exclude=["directive_set_by"], validate_unique=False)
    except ValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from None


def normalise_places(value: Any) -> list[str]:
    """ISO 3166-1 alpha-2 or 3166-2 codes, upper case, no duplicates, in the order given."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationFailed(fields={"blocked_places": ["Give a list of ISO 3166 codes."]})
    seen: list[str] = []
    for raw in value:
        code = raw.strip().upper()
        country, _, region = code.partition("-")
        if not (len(country) == 2 and country.isalpha() and country.isascii()) or (
            "-" in code and not (1 <= len(region) <= 3 and region.isalnum() and region.isascii())
        ):
            raise ValidationFailed(
                fields={"blocked_places": [f"{raw!r} is not an ISO 3166 code like RU or UA-43."]}
            )
        if code not in seen:
            seen.append(code)
    return seen


def tier_get(*, slug: str) -> ModelTier:
    try:
        return ModelTier.objects.get(slug=slug)
    except ModelTier.DoesNotExist:
        raise NotFound(f"There is no model tier called {slug!r}.") from None


def _require_editor(actor: User | None, what: str) -> None:
    # None is the system itself (seed_demo, commands run by an operator).
    if actor is not None:
        require_officer(actor, what)


def _unknown_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(REQUIREMENT_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"These tier fields cannot be set: {', '.join(sorted(unknown))}.",
            fields={name: ["This field cannot be set here."] for name in sorted(unknown)},
        )


def tier_create(
    *, actor: User | None, slug: str, name: str, reason: str, **requirements: Any
) -> ModelTier:
    """A new tier, published in the revocation document at once (else verifiers reject it)."""
    _require_editor(actor, "create a model tier")
    _unknown_fields(requirements)
    reason = require_reason(reason)
    tier = ModelTier(slug=slug, name=name, **requirements)
    _validated(tier)
    with transaction.atomic():
        state = lock_revocation_state()
        if ModelTier.objects.filter(slug=slug).exists():
            raise ValidationFailed(fields={"slug": ["A tier with this slug already exists."]})
        tier.save()
        state = republish(state)
        audit_record(
            action="tier.created",
            actor=actor,
            subject_type="model_tier",
            subject_id=tier.slug,
            data={
                "requirements": {name: getattr(tier, name) for name in REQUIREMENT_FIELDS},
                "reason": reason,
                "serial": state.serial,
            },
        )
    return tier


def tier_update(*, actor: User | None, slug: str, reason: str, **changes: Any) -> ModelTier:
    """Change requirements (not the directive). They apply to tokens issued from now on;
    when one that decides eligibility changed, the tier's live tokens are re-checked in
    this transaction, and those now above their holder's evidence are revoked with it
    (``entitlements.services.rechecks``): the change never commits without them."""
    _require_editor(actor, "change a model tier")
    _unknown_fields(changes)
    reason = require_reason(reason)
    with transaction.atomic():
        # Lock order: the tier, then (only to revoke) the revocation row, as a directive
        # change takes them. The re-check's reads hold the tier alone, so a large tier
        # never keeps the revocation document from being re-signed.
        try:
            locked = ModelTier.objects.select_for_update().get(slug=slug)
        except ModelTier.DoesNotExist:
            raise NotFound(f"There is no model tier called {slug!r}.") from None
        before = {name: getattr(locked, name) for name in changes}
        for name, value in changes.items():
            setattr(locked, name, value)
        _validated(locked)
        after = {name: getattr(locked, name) for name in changes}
        changed = [name for name in changes if before[name] != after[name]]
        if not changed:
            return locked
        rechecked = bool(ELIGIBILITY_FIELDS.intersection(changed))
        if rechecked:
            locked.requirements_changed_at = timezone.now()
            changed.append("requirements_changed_at")
        locked.save(update_fields=changed)
        recheck = (
            tier_tokens_recheck(tier=locked, actor=actor, reason=reason).summary()
            if rechecked
            else None
        )
        audit_record(
            action="tier.updated",
            actor=actor,
            subject_type="model_tier",
            subject_id=locked.slug,
            data={
                "before": {name: before[name] for name in changed if name in before},
                "after": {name: after[name] for name in changed if name in after},
                "reason": reason,
                **({"recheck": recheck} if recheck is not None else {}),
            },
        )
    return locked


def tier_directive_set(*, actor: User, slug: str, state: str, reason: str) -> ModelTier:
    """Switch a tier's directive. Every change starts a new epoch: all older tokens die."""
    require_officer(actor, "set a model's directive")
    if state not in DirectiveState.values:
        raise ValidationFailed(
            fields={"state": [f"Choose one of: {', '.join(DirectiveState.values)}."]}
        )
    reason = require_reason(reason)
    with transaction.atomic():
        # The tier, then the revocation row: the order tier_update takes them in.
        try:
            tier = ModelTier.objects.select_for_update().get(slug=slug)
        except ModelTier.DoesNotExist:
            raise NotFound(f"There is no model tier called {slug!r}.") from None
        document = lock_revocation_state()
        previous = tier.directive_state
        tier.directive_state = state
        tier.directive_reason = reason
        tier.directive_set_by = actor
        tier.directive_set_at = timezone.now()
        tier.epoch += 1
        tier.save(
            update_fields=[
                "directive_state",
                "directive_reason",
                "directive_set_by",
                "directive_set_at",
                "epoch",
            ]
        )
        document = republish(document)
        audit_record(
            action="tier.directive_set",
            actor=actor,
            subject_type="model_tier",
            subject_id=tier.slug,
            data={
                "from": previous,
                "to": state,
                "reason": reason,
                "epoch": tier.epoch,
                "serial": document.serial,
            },
        )
    return tier
