"""System checks for the geo settings: a bad proxy list must stop start-up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from geo.client_ip import TrustedProxyError, parse_trusted_proxies


@checks.register()
def check_trusted_proxies(**kwargs: Any) -> list[checks.CheckMessage]:
    try:
        parse_trusted_proxies(settings.IDV_TRUSTED_PROXIES)
    except TrustedProxyError as exc:
        return [
            checks.Error(
                f"IDV_TRUSTED_PROXIES: {exc}",
                hint="List the CIDR networks of your own reverse proxies, e.g. 10.0.0.0/8.",
                id="geo.E001",
            )
        ]
    return []


@checks.register(deploy=True)
def check_local_addresses(**kwargs: Any) -> list[checks.CheckMessage]:
    if settings.IDV_GEO_ALLOW_LOCAL and not settings.QUICKSTART:
        return [
            checks.Warning(
                "IDV_GEO_ALLOW_LOCAL is on: loopback and private client addresses pass "
                "the places policy as if their location were known.",
                hint="Use it only in development; behind a proxy, set IDV_TRUSTED_PROXIES.",
                id="geo.W001",
            )
        ]
    return []
