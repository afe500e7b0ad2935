"""Who is calling /scim/v2/: an organisation's token, checked like an API key.

The checksum rejects a mistyped or invented token before any query; failures
are counted per client address and per token prefix in the shared cache
(``idverify.credential_failures``), so a caller that keeps failing is told to
stop (429) while a valid token is always let in.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from rest_framework import exceptions
from scim2_models import SCIMException, UnauthorizedException

from accounts.models import Organization
from geo.selectors import request_client_ip
from idverify.credential_failures import CredentialAttempt
from scim import tokens
from scim.models import ScimToken

_TOUCH_EVERY = timedelta(minutes=1)
# A suspended organisation's IdP may still deprovision people (its sponsorships are
# suspended already); only a verified one can sponsor.
_SERVED = (Organization.Status.VERIFIED, Organization.Status.SUSPENDED)


class TooManyFailures(SCIMException):
    status = 429

    def __init__(self, wait: int) -> None:
        super().__init__(detail=f"Too many failed attempts; try again in {wait} seconds.")
        self.wait = wait


def _failed(request: HttpRequest, message: str, presented: str | None = None) -> SCIMException:
    attempt = CredentialAttempt(
        scope="scim-token",
        address=str(request_client_ip(request) or "unknown"),
        credential=tokens.display_prefix(presented) if presented else None,
    )
    outcome = attempt.failed(message)
    if isinstance(outcome, exceptions.Throttled):
        return TooManyFailures(int(outcome.wait or 60))  # type: ignore[attr-defined]
    return UnauthorizedException(detail=message)


def authenticate(request: HttpRequest) -> ScimToken:
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise _failed(request, "Send the organisation's SCIM token: 'Authorization: Bearer …'.")
    presented = presented.strip()
    if not tokens.is_well_formed(presented):
        raise _failed(request, "The SCIM token is not valid.")
    token = (
        ScimToken.objects.select_related("organization")
        .filter(digest=tokens.digest(presented))
        .first()
    )
    if token is None or token.revoked_at is not None or token.organization.status not in _SERVED:
        raise _failed(request, "The SCIM token is not valid or has been revoked.", presented)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
