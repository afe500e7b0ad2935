"""An organisation's single sign-on: which allauth ``SocialApp`` is its IdP, and whether
its people must use it.

The IdP's settings live where django-allauth reads them, in one ``SocialApp``
per organisation (provider ``openid_connect`` or ``saml``, ``provider_id`` and,
for SAML, ``client_id`` the organisation's slug, its client secret sealed by
``sso.secrets``). This row ties that app to the organisation, whose proven
website domain decides whose sign-in it is (``sso.selectors``).
"""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization


class SsoConnection(models.Model):
    class Protocol(models.TextChoices):
        OIDC = "openid_connect", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="sso_connection"
    )
    app = models.OneToOneField(SocialApp, on_delete=models.PROTECT, related_name="+")
    protocol = models.CharField(max_length=16, choices=Protocol.choices)
    # Password sign-in and password reset refused for people in the organisation's domain.
    mandatory = models.BooleanField(default=False)
    configured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    configured_at = models.DateTimeField(default=timezone.now)
    # The last sign-in through the IdP: making SSO mandatory needs one (a tested set-up).
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.organization} single sign-on ({self.protocol})"

    @property
    def slug(self) -> str:
        return str(self.app.provider_id)
