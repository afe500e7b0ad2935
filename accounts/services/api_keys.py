"""Personal access tokens (API keys): create, note their use, revoke, prune. The key
format itself is ``accounts.api_keys``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import api_keys
from accounts.models import ApiKey, User
from accounts.selectors.users import is_privileged
from audit.services import audit_record
from idverify.errors import NotFound, ValidationFailed
from idverify.url_ids import uuid_or_not_found

MAX_KEYS_PER_USER = 50
# Revoked or expired keys are kept this long for the owner's reference, then removed.
PRUNE_AFTER = timedelta(days=90)


@dataclass(frozen=True)
class CreatedApiKey:
    api_key: ApiKey
    plaintext: str  # shown once, never stored


def privileged_key_expiry(now: datetime) -> datetime:
    """The latest expiry a privileged person's key may have, for a key made or used at ``now``."""
    return now + timedelta(days=settings.IDV_PRIVILEGED_API_KEY_DAYS)


def api_key_create(*, user: User, name: str, expires_at: datetime | None = None) -> CreatedApiKey:
    """A new key. A privileged person's key expires within IDV_PRIVILEGED_API_KEY_DAYS
    (then by default); that it is made only from a session that passed the second
    factor is the caller's part (the middleware, and the API view for key callers)."""
    name = name.strip()
    if not name:
        raise ValidationFailed(
            fields={"name": ["Give the key a name, e.g. the program that uses it."]}
        )
    if len(name) > 100:
        raise ValidationFailed(fields={"name": ["Use at most 100 characters."]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(fields={"expires_at": ["The expiry must be in the future."]})
    if is_privileged(user):
        latest = privileged_key_expiry(timezone.now())
        if expires_at is None:
            expires_at = latest
        elif expires_at > latest:
            days = settings.IDV_PRIVILEGED_API_KEY_DAYS
            message = (
                "Keys of compliance officers, signing officials and organisation admins "
                f"expire within {days} days; choose an earlier expiry, or none for {days} days."
            )
            raise ValidationFailed(message, fields={"expires_at": [message]})
    with transaction.atomic():
        # Lock the user row: two concurrent creations cannot both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        live = ApiKey.objects.filter(user=user, revoked_at__isnull=True).count()
        if live >= MAX_KEYS_PER_USER:
            raise ValidationFailed(
                f"You already have {live} active keys; revoke one you no longer use first."
            )
        plaintext = api_keys.generate()
        key = ApiKey.objects.create(
            user=user,
            name=name,
            prefix=api_keys.display_prefix(plaintext),
            digest=api_keys.digest(plaintext),
            expires_at=expires_at,
        )
        audit_record(
            action="api_key.created",
            actor=user,
            subject_type="api_key",
            subject_id=key.public_id,
            data={"name": name, "expires_at": expires_at},
        )
    return CreatedApiKey(api_key=key, plaintext=plaintext)


def api_key_mark_used(*, key: ApiKey, now: datetime) -> None:
    """Note that a key was used, and hold a privileged person's key to the expiry limit.

    Keys made before the limit existed, or before their owner took a privileged
    role, have a later expiry or none: their first use from then on gives them
    IDV_PRIVILEGED_API_KEY_DAYS from that moment (audited), not a sudden end.
    """
    latest = privileged_key_expiry(now)
    limited = 0
    if (key.expires_at is None or key.expires_at > latest) and is_privileged(key.user):
        with transaction.atomic():
            # Only if the row still has the later expiry: another process (or request)
            # holding an older copy of the key may have limited it a moment ago.
            limited = (
                ApiKey.objects.filter(pk=key.pk)
                .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=latest))
                .update(last_used_at=now, expires_at=latest)
            )
            if limited:
                audit_record(
                    action="api_key.expiry_limited",
                    actor=None,
                    subject_type="api_key",
                    subject_id=key.public_id,
                    data={"expires_at": latest, "was": key.expires_at},
                )
    if limited:
        key.expires_at = latest
    else:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now


def api_key_revoke(*, user: User, key_public_id: str) -> ApiKey:
    wanted = uuid_or_not_found(key_public_id, what="API key")
    with transaction.atomic():
        try:
            key = ApiKey.objects.select_for_update().get(user=user, public_id=wanted)
        except ApiKey.DoesNotExist:
            raise NotFound("No such API key.") from None
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            audit_record(
                action="api_key.revoked",
                actor=user,
                subject_type="api_key",
                subject_id=key.public_id,
            )
    return key


def api_keys_prune(*, now: datetime | None = None) -> int:
    """Delete keys revoked or expired more than PRUNE_AFTER ago. Safe to re-run."""
    cutoff = (now or timezone.now()) - PRUNE_AFTER
    deleted, _ = ApiKey.objects.filter(revoked_at__lt=cutoff).delete()
    expired, _ = ApiKey.objects.filter(expires_at__lt=cutoff).delete()
    return deleted + expired
