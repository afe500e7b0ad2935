"""Configuration invariants of the vendor path, as system checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register()
def check_stripe_identity(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    key = str(getattr(settings, "IDV_STRIPE_SECRET_KEY", "") or "")
    webhook_secret = str(getattr(settings, "IDV_STRIPE_WEBHOOK_SECRET", "") or "")
    base = urlsplit(str(getattr(settings, "IDV_STRIPE_API_BASE", "") or ""))
    messages: list[CheckMessage] = []
    if base.scheme not in ("http", "https") or not base.netloc:
        messages.append(
            Error(
                "IDV_STRIPE_API_BASE is not an http(s) URL.",
                hint="Leave it unset for Stripe's API (https://api.stripe.com).",
                id="attestations.E001",
            )
        )
    if key and not webhook_secret:
        messages.append(
            Warning(
                "IDV_STRIPE_SECRET_KEY is set but IDV_STRIPE_WEBHOOK_SECRET is not: people can "
                "start Stripe Identity verifications, but every result webhook is refused, so "
                "none is ever settled.",
                hint="Set it to the signing secret (whsec_...) of the endpoint "
                "/webhooks/stripe/identity (docs/vendors.md).",
                id="attestations.W001",
            )
        )
    return messages
