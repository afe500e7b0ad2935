"""django-allauth hooks: sign-up and added addresses follow accounts.email_addresses.

Emails name the service as the site's adapter does (idverify.allauth_adapter).
"""

from __future__ import annotations

from accounts.email_addresses import validate_not_formula
from idverify.allauth_adapter import AccountAdapter as SiteAccountAdapter


class AccountAdapter(SiteAccountAdapter):
    def clean_email(self, email: str) -> str:
        validate_not_formula(email)
        cleaned: str = super().clean_email(email)
        return cleaned
