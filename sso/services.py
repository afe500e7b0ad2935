"""A signing official sets up, changes or removes the organisation's single sign-on.

Only a verified organisation with a proven website domain may have one: the
domain is what decides whose sign-in the IdP vouches for (``sso.selectors``).
Making it mandatory needs one sign-in through the IdP first, so a wrong
set-up cannot lock everyone in the domain out. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.socialaccount.models import SocialApp
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.selectors.memberships import require_signing_official
from audit.services import audit_record
from idverify.errors import Conflict, NotFound, ValidationFailed
from sso import secrets
from sso.models import SsoConnection

# Where Okta and Entra ID put the address and the person's id in a SAML assertion,
# besides allauth's defaults; the NameID (an address, in both) is the fallback.
SAML_ATTRIBUTES: dict[str, list[str]] = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "urn:oid:0.9.2342.19200300.100.1.3",
        "email",
        "mail",
    ],
    "first_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
        "firstName",
    ],
    "last_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
        "lastName",
    ],
}


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str  # empty: keep the stored one


@dataclass(frozen=True)
class SamlSettings:
    entity_id: str
    sso_url: str = ""
    x509cert: str = ""
    metadata_url: str = ""


def config_protocol(config: OidcSettings | SamlSettings) -> str:
    if isinstance(config, OidcSettings):
        return SsoConnection.Protocol.OIDC
    return SsoConnection.Protocol.SAML


def slug_for(organization: Organization) -> str:
    return f"org-{organization.public_id.hex}"


def _require_eligible(organization: Organization) -> None:
    if organization.status != Organization.Status.VERIFIED:
        raise Conflict("Only a verified organisation can use single sign-on.")
    if not (organization.domain_verified_at and organization.website_domain):
        raise Conflict(
            "Prove the organisation's website domain first: single sign-on is for the "
            "people whose address is in that domain."
        )


def _app_fields(organization: Organization, config: OidcSettings | SamlSettings) -> dict[str, Any]:
    slug = slug_for(organization)
    name = f"{organization.legal_name}"[:40]
    if isinstance(config, OidcSettings):
        return {
            "provider": SsoConnection.Protocol.OIDC,
            "provider_id": slug,
            "name": name,
            "client_id": config.client_id,
            "settings": {"server_url": config.issuer, "hidden": True},
        }
    idp: dict[str, str] = {"entity_id": config.entity_id}
    if config.metadata_url:
        idp["metadata_url"] = config.metadata_url
    else:
        idp.update(sso_url=config.sso_url, x509cert=config.x509cert)
    return {
        "provider": SsoConnection.Protocol.SAML,
        "provider_id": slug,
        "name": name,
        "client_id": slug,
        "secret": "",
        "settings": {
            "hidden": True,
            "idp": idp,
            "attribute_mapping": SAML_ATTRIBUTES,
            "use_nameid_for_email": False,
            "advanced": {
                "strict": True,
                # Okta and Entra ID sign the assertion; an unsigned one is refused.
                "want_assertion_signed": True,
                "reject_idp_initiated_sso": True,
                "reject_deprecated_algorithm": True,
            },
        },
    }


def sso_configure(
    *, actor: User, organization: Organization, config: OidcSettings | SamlSettings
) -> SsoConnection:
    """Create or replace the organisation's IdP settings (OIDC or SAML)."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        require_signing_official(user=actor, organization=org)
        _require_eligible(org)
        fields = _app_fields(org, config)
        connection = (
            SsoConnection.objects.select_for_update().select_related("app").filter(organization=org)
        ).first()
        if isinstance(config, OidcSettings):
            oidc_before = connection is not None and connection.protocol == config_protocol(config)
            kept = connection.app.secret if connection is not None and oidc_before else ""
            fields["secret"] = secrets.seal(config.client_secret) if config.client_secret else kept
            if not fields["secret"]:
                raise ValidationFailed(fields={"client_secret": ["Paste the client secret."]})
        if connection is None:
            app = SocialApp.objects.create(**fields)
            connection = SsoConnection.objects.create(
                organization=org, app=app, protocol=fields["provider"], configured_by=actor
            )
            changed_protocol = True
        else:
            changed_protocol = connection.protocol != fields["provider"]
            for key, value in fields.items():
                setattr(connection.app, key, value)
            connection.app.save()
            connection.protocol = fields["provider"]
            connection.configured_by = actor
            connection.configured_at = timezone.now()
            if changed_protocol:
                # A new IdP has to prove itself before it may be the only way in.
                connection.mandatory = False
                connection.last_sign_in_at = None
            connection.save()
        audit_record(
            action="sso.configured",
            actor=actor,
            subject_type="organization",
            subject_id=org.public_id,
            organization_id=org.public_id,
            data={
                "protocol": connection.protocol,
                # Never the secret, nor the certificate: what an auditor needs to find it.
                "issuer_or_entity_id": config.issuer
                if isinstance(config, OidcSettings)
                else config.entity_id,
                "client_id": fields["client_id"],
            },
        )
    return connection


def sso_mandatory_set(*, actor: User, organization: Organization, mandatory: bool) -> SsoConnection:
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        require_signing_official(user=actor, organization=org)
        connection = SsoConnection.objects.select_for_update().filter(organization=org).first()
        if connection is None:
            raise NotFound("Set up single sign-on first.")
        if mandatory:
            _require_eligible(org)
            if connection.last_sign_in_at is None:
                raise Conflict(
                    "Sign in once through your identity provider before you make it the only "
                    "way in: a wrong set-up would otherwise lock your people out."
                )
        if connection.mandatory != mandatory:
            connection.mandatory = mandatory
            connection.save(update_fields=["mandatory"])
            audit_record(
                action="sso.mandatory_changed",
                actor=actor,
                subject_type="organization",
                subject_id=org.public_id,
                organization_id=org.public_id,
                data={"mandatory": mandatory, "domain": org.website_domain},
            )
    return connection


def sso_remove(*, actor: User, organization: Organization) -> None:
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        require_signing_official(user=actor, organization=org)
        connection = SsoConnection.objects.select_related("app").filter(organization=org).first()
        if connection is None:
            return
        app = connection.app
        connection.delete()
        app.delete()  # its SocialAccounts stay; they reach nobody without the app
        audit_record(
            action="sso.removed",
            actor=actor,
            subject_type="organization",
            subject_id=org.public_id,
            organization_id=org.public_id,
            data={},
        )
