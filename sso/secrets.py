"""The OIDC client secret, sealed at rest like every other secret here (``idverify.crypto``).

``SocialApp.secret`` holds ``idv1:`` and the sealed blob; ``sso.adapter`` opens it
in memory when allauth asks for the app, and nothing writes it back.
"""

from __future__ import annotations

import base64

from idverify import crypto

SEALED_PREFIX = "idv1:"
_PURPOSE = "sso-client-secret"


def seal(text: str) -> str:
    if not text:
        return ""
    blob = crypto.encrypt(text.encode("utf-8"), purpose=_PURPOSE)
    return SEALED_PREFIX + base64.urlsafe_b64encode(blob).decode("ascii")


def unseal(value: str) -> str:
    if not value.startswith(SEALED_PREFIX):
        return value
    blob = base64.urlsafe_b64decode(value[len(SEALED_PREFIX) :].encode("ascii"))
    return crypto.decrypt(blob, purpose=_PURPOSE).decode("utf-8")
