"""Configuration invariants of the entitlements app, as system checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register

MAX_TOKEN_LIFETIME = 900
MIN_TOKEN_LIFETIME = 60


@register()
def check_token_lifetime(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    lifetime = settings.IDV_TOKEN_LIFETIME_SECONDS
    if not MIN_TOKEN_LIFETIME <= lifetime <= MAX_TOKEN_LIFETIME:
        return [
            Error(
                f"IDV_TOKEN_LIFETIME_SECONDS={lifetime} is outside {MIN_TOKEN_LIFETIME}.."
                f"{MAX_TOKEN_LIFETIME}: verifiers reject tokens that live longer than "
                "15 minutes, and shorter ones only make clients ask again and again.",
                hint="Use the default, 600 (10 minutes).",
                id="entitlements.E001",
            )
        ]
    return []
