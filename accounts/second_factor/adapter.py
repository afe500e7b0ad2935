"""allauth's MFA adapter, for two of our rules: secrets encrypted at rest, and a privileged
person never left without a second factor."""

from __future__ import annotations

import base64
from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from accounts.second_factor.policy import SECOND_FACTOR_TYPES
from accounts.selectors.users import is_privileged
from idverify import crypto

# Marks a value we sealed; anything else is a value stored before we encrypted
# (the accounts migration that seals them leaves none behind).
SEALED_PREFIX = "idv1:"
_PURPOSE = "mfa-secret"


def seal(text: str) -> str:
    blob = crypto.encrypt(text.encode("utf-8"), purpose=_PURPOSE)
    return SEALED_PREFIX + base64.urlsafe_b64encode(blob).decode("ascii")


def unseal(value: str) -> str:
    if not value.startswith(SEALED_PREFIX):
        return value
    blob = base64.urlsafe_b64decode(value[len(SEALED_PREFIX) :].encode("ascii"))
    return crypto.decrypt(blob, purpose=_PURPOSE).decode("utf-8")


class SecondFactorAdapter(DefaultMFAAdapter):  # type: ignore[misc] # allauth is untyped
    error_messages: dict[str, Any] = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Your role needs a second factor: add another authenticator app or passkey "
            "before you remove this one."
        ),
    }

    def encrypt(self, text: str) -> str:
        """TOTP and recovery-code seeds: anyone who reads them can pass the second factor."""
        return seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        return unseal(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type not in SECOND_FACTOR_TYPES:
            return True
        user = authenticator.user
        if not is_privileged(user):
            return True
        others = Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exclude(
            pk=authenticator.pk
        )
        return bool(others.exists())
