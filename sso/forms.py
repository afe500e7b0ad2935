"""Forms: allauth's sign-in and password-reset forms with the mandatory-SSO rule, the
email-first SSO step, and the signing official's IdP settings."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from cryptography import x509
from django import forms
from django.core.exceptions import ValidationError

from sso.selectors import mandatory_connection_for
from sso.services import OidcSettings, SamlSettings


def mandatory_message(email: str) -> str | None:
    connection = mandatory_connection_for(email)
    if connection is None:
        return None
    return (
        f"{connection.organization} signs in its people through its identity provider: "
        "use “Continue with single sign-on”. Passwords are not accepted for "
        f"addresses in {connection.organization.website_domain}."
    )


class LoginForm(AllauthLoginForm):  # type: ignore[misc] # allauth untyped
    def clean(self) -> Any:
        message = mandatory_message(str(self.data.get("login", "")).strip())
        if message:
            raise ValidationError(message, code="sso_mandatory")
        return super().clean()


class ResetPasswordForm(AllauthResetPasswordForm):  # type: ignore[misc] # allauth untyped
    def clean_email(self) -> Any:
        email = super().clean_email()
        message = mandatory_message(str(email))
        if message:
            raise ValidationError(
                message.replace("Passwords are not accepted", "There is no password to reset"),
                code="sso_mandatory",
            )
        return email


class SsoStartForm(forms.Form):
    email = forms.EmailField(label="Work email address", max_length=254)


def _https_or_local(value: str) -> str:
    """An IdP address the service may fetch: https, and not an address inside our network
    (the service fetches the issuer's discovery document and the SAML metadata)."""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError("Give an https:// address.")
    host = parts.hostname.lower()
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if host == "localhost" or host.endswith(".localhost") or (literal and not literal.is_global):
        raise ValidationError("Give your identity provider's public address.")
    return value


class OidcForm(forms.Form):
    issuer = forms.URLField(
        label="Issuer URL",
        max_length=500,
        assume_scheme="https",
        help_text="e.g. https://acme.okta.com",
    )
    client_id = forms.CharField(label="Client ID", max_length=191)
    client_secret = forms.CharField(
        label="Client secret",
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Stored encrypted. Leave empty to keep the current one.",
    )

    def clean_issuer(self) -> str:
        return _https_or_local(str(self.cleaned_data["issuer"]).rstrip("/"))

    def settings(self) -> OidcSettings:
        data = self.cleaned_data
        return OidcSettings(data["issuer"], data["client_id"].strip(), data["client_secret"])


class SamlForm(forms.Form):
    entity_id = forms.CharField(label="IdP entity ID (issuer)", max_length=500)
    metadata_url = forms.URLField(
        label="IdP metadata URL", max_length=500, required=False, assume_scheme="https"
    )
    sso_url = forms.URLField(
        label="IdP single sign-on URL", max_length=500, required=False, assume_scheme="https"
    )
    x509cert = forms.CharField(
        label="IdP signing certificate (PEM)", required=False, widget=forms.Textarea
    )

    def clean_metadata_url(self) -> str:
        value = str(self.cleaned_data.get("metadata_url") or "")
        return _https_or_local(value) if value else ""

    def clean_sso_url(self) -> str:
        value = str(self.cleaned_data.get("sso_url") or "")
        return _https_or_local(value) if value else ""

    def clean_x509cert(self) -> str:
        text = str(self.cleaned_data.get("x509cert") or "").strip()
        if not text:
            return ""
        try:
            x509.load_pem_x509_certificate(text.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise ValidationError(
                "Paste the certificate as PEM (-----BEGIN CERTIFICATE-----)."
            ) from None
        return text

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if not data.get("metadata_url") and not (data.get("sso_url") and data.get("x509cert")):
            raise ValidationError(
                "Give the IdP's metadata URL, or its single sign-on URL and signing certificate."
            )
        return data

    def settings(self) -> SamlSettings:
        data = self.cleaned_data
        return SamlSettings(
            entity_id=data["entity_id"].strip(),
            sso_url=data.get("sso_url", ""),
            x509cert=data.get("x509cert", ""),
            metadata_url=data.get("metadata_url", ""),
        )
