"""django-allauth hooks: sign-up and added addresses follow accounts.email_addresses."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from accounts.email_addresses import validate_not_formula


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def clean_email(self, email: str) -> str:
        validate_not_formula(email)
        cleaned: str = super().clean_email(email)
        return cleaned
