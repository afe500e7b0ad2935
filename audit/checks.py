"""The audit key's settings, as system checks (ids ``audit.E…``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from audit import keys

_GENERATE = (
    "Generate one with: python -c 'import os,base64;"
    "print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
)


@register(Tags.security)
def check_audit_keys(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    try:
        keys.derive(settings.IDV_AUDIT_SEAL_KEY)
    except ValueError as exc:
        return [Error(f"IDV_AUDIT_SEAL_KEY is not usable: {exc}.", hint=_GENERATE, id="audit.E001")]
    if settings.IDV_AUDIT_SEAL_KEY.strip() == settings.IDV_KEY_ENCRYPTION_KEY.strip():
        errors.append(
            Error(
                "IDV_AUDIT_SEAL_KEY is the key-encryption key: give the audit log its own key.",
                hint=_GENERATE,
                id="audit.E002",
            )
        )
    for position, text in enumerate(settings.IDV_AUDIT_SEAL_KEY_PREVIOUS, start=1):
        try:
            keys.derive(text)
        except ValueError as exc:
            errors.append(
                Error(
                    f"Entry {position} of IDV_AUDIT_SEAL_KEY_PREVIOUS is not usable: {exc}.",
                    id="audit.E003",
                )
            )
    for position, text in enumerate(settings.IDV_AUDIT_SEAL_PUBLIC_KEYS, start=1):
        try:
            keys.parse_public_key(text)
        except ValueError as exc:
            errors.append(
                Error(
                    f"Entry {position} of IDV_AUDIT_SEAL_PUBLIC_KEYS is not usable: {exc}.",
                    hint="Give the 'x' of a key printed by `manage.py audit_head --public-keys`.",
                    id="audit.E004",
                )
            )
    return errors
