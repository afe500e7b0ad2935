"""django-allauth's account adapter, with the service's own name in its emails (the
accounts app's adapter, the one in ACCOUNT_ADAPTER, builds on it).

Without Django's sites framework allauth names the site by the request's host
("Hello from 127.0.0.1:8000!"); the service has a name (``IDV_SITE_NAME``) and
a public address (``IDV_BASE_URL``), and its emails use those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


@dataclass(frozen=True)
class ServiceSite:
    """What allauth's email templates read from a site: its name and its domain."""

    name: str
    domain: str


def service_site() -> ServiceSite:
    base = urlsplit(settings.IDV_BASE_URL)
    return ServiceSite(name=settings.IDV_SITE_NAME, domain=base.netloc or settings.IDV_BASE_URL)


# allauth ships no type hints, so its adapter is Any to mypy.
class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        super().send_mail(template_prefix, email, {"current_site": service_site(), **context})

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.IDV_SITE_NAME}] {subject}"
