"""Model API clients: the credentials a model API uses to call the introspection endpoint.

The secret is 256 random bits shown once; only its SHA-256 digest is kept (a
fast hash is right for a high-entropy secret). Lookup is by client id, then a
constant-time comparison of digests.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from entitlements.models import ModelClient, ModelTier
from idverify.errors import NotFound, ValidationFailed
from idverify.reasons import required_reason

CLIENT_ID_PREFIX = "idv_mc_"
SECRET_PREFIX = "idv_mcs_"  # noqa: S105 - the public prefix secret scanners match
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedClient:
    client: ModelClient
    client_secret: str  # shown once, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def model_client_create(*, name: str, tier_slug: str, actor: User | None = None) -> CreatedClient:
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed(fields={"name": ["Give the client a name of 1 to 100 characters."]})
    try:
        tier = ModelTier.objects.get(slug=tier_slug)
    except ModelTier.DoesNotExist:
        known = ", ".join(ModelTier.objects.values_list("slug", flat=True)) or "none yet"
        raise NotFound(f"There is no model tier called {tier_slug!r} (known: {known}).") from None
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        client = ModelClient.objects.create(
            name=name,
            client_id=CLIENT_ID_PREFIX + secrets.token_hex(10),
            secret_digest=_digest(secret),
            tier=tier,
        )
        audit_record(
            action="model_client.created",
            actor=actor,
            subject_type="model_client",
            subject_id=client.client_id,
            data={"name": name, "tier": tier.slug},
        )
    return CreatedClient(client=client, client_secret=secret)


def model_client_authenticate(*, client_id: str, client_secret: str) -> ModelClient | None:
    """The client these credentials belong to, or None (unknown, wrong secret, revoked)."""
    if not client_id.startswith(CLIENT_ID_PREFIX) or len(client_id) > 40:
        return None
    client = ModelClient.objects.select_related("tier").filter(client_id=client_id).first()
    presented = _digest(client_secret)
    if client is None:
        # Same work either way, so timing does not tell which client ids exist.
        hmac.compare_digest(presented, "0" * 64)
        return None
    if not hmac.compare_digest(presented, client.secret_digest) or client.revoked_at is not None:
        return None
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > _TOUCH_EVERY:
        ModelClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


def model_client_revoke(*, client_id: str, actor: User | None, reason: str) -> ModelClient:
    """Withdraw a model API's credentials: its next introspection call is refused."""
    reason = required_reason(reason)
    with transaction.atomic():
        client = ModelClient.objects.select_for_update().filter(client_id=client_id).first()
        if client is None:
            raise NotFound(f"There is no model client {client_id!r}.")
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.save(update_fields=["revoked_at"])
            audit_record(
                action="model_client.revoked",
                actor=actor,
                subject_type="model_client",
                subject_id=client.client_id,
                data={"name": client.name, "tier": client.tier.slug, "reason": reason},
            )
    return client
