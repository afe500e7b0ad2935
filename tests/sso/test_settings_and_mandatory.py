"""Who may set up single sign-on, how its secret is kept, and what "mandatory" refuses.

The IdP flows themselves are in test_saml.py and test_oidc.py; here the
organisation page's forms and the sign-in and password-reset pages.
"""

from __future__ import annotations

import pytest
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import authenticate
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Organization, User
from audit.models import AuditEvent
from sso.models import SsoConnection
from sso.services import OidcSettings, SamlSettings, slug_for, sso_configure
from tests.accounts.factories import signing_official
from tests.sso.certs import self_signed
from tests.sso.conftest import verified_org
from tests.support.factories import PASSWORD, MembershipFactory, UserFactory
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

SECRET = "oidc-client-secret-0123456789-abcdef"
OIDC_FORM = {
    "protocol": "oidc",
    "issuer": "https://acme.okta.example",
    "client_id": "0oa1idverify",
    "client_secret": SECRET,
}


@pytest.fixture
def acme() -> Organization:
    return verified_org("Acme Inc", "acme.example")


def _official_client(org: Organization, email: str = "official@acme.example") -> Client:
    client = Client()
    sign_in_with_second_factor(client, signing_official(org, email))
    return client


def test_a_signing_official_sets_up_oidc_and_the_secret_is_sealed_at_rest(
    acme: Organization,
) -> None:
    client = _official_client(acme)
    response = client.post(f"/organizations/{acme.public_id}/sso", OIDC_FORM)
    assert response.status_code == 302
    app = SocialApp.objects.get(provider="openid_connect", provider_id=slug_for(acme))
    assert app.secret.startswith("idv1:")
    assert SECRET not in app.secret
    assert app.settings["server_url"] == "https://acme.okta.example"
    # allauth gets the plaintext, in memory.
    opened = get_adapter().get_app(None, provider=slug_for(acme))
    assert opened.secret == SECRET
    assert SocialApp.objects.get(pk=app.pk).secret == app.secret
    event = AuditEvent.objects.get(action="sso.configured")
    assert SECRET not in str(event.data)
    # Saving again without a secret keeps the stored one.
    client.post(f"/organizations/{acme.public_id}/sso", {**OIDC_FORM, "client_secret": ""})
    assert get_adapter().get_app(None, provider=slug_for(acme)).secret == SECRET
    page = client.get(f"/organizations/{acme.public_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/accounts/oidc/{slug_for(acme)}/login/callback/" in text
    assert SECRET not in text
    # Item 3 of the issue: the SCIM section is on the same page.
    assert "SCIM endpoint" in text
    assert "Recent provisioning events" in text


def test_an_organisation_that_is_not_verified_cannot_enable_sso() -> None:
    pending = verified_org("Pending Inc", "pending.example")
    pending.status = Organization.Status.PENDING
    pending.save()
    client = _official_client(pending, "official@pending.example")
    response = client.post(f"/organizations/{pending.public_id}/sso", OIDC_FORM, follow=True)
    assert "Only a verified organisation can use single sign-on." in response.content.decode()
    assert not SocialApp.objects.exists()


def test_an_organisation_without_a_proven_domain_cannot_enable_sso() -> None:
    org = verified_org("Unproven Inc", "unproven.example")
    org.domain_verified_at = None
    org.save()
    with pytest.raises(Exception, match="Prove the organisation's website domain"):
        sso_configure(
            actor=signing_official(org, "so@unproven.example"),
            organization=org,
            config=OidcSettings("https://idp.example", "id", "secret"),
        )
    assert not SocialApp.objects.exists()


@pytest.mark.parametrize(
    ("role", "status", "said"),
    [
        # A member may not open the organisation's settings at all.
        (Membership.Role.MEMBER, 403, "<h1>Not allowed</h1>"),
        # An admin may see them, and is told by the form who may change single sign-on.
        (
            Membership.Role.ORG_ADMIN,
            200,
            "Only a signing official of the organisation can do this.",
        ),
    ],
)
def test_someone_who_is_not_a_signing_official_cannot_configure_it(
    acme: Organization, role: str, status: int, said: str
) -> None:
    person = MembershipFactory.create(organization=acme, role=role).user
    client = Client()
    sign_in_with_second_factor(client, person)
    response = client.post(f"/organizations/{acme.public_id}/sso", OIDC_FORM, follow=True)
    assert response.status_code == status
    assert said in response.content.decode()
    assert not SocialApp.objects.exists()
    outsider = Client()
    sign_in_with_second_factor(outsider, signing_official(verified_org("Other", "o.example")))
    assert outsider.post(f"/organizations/{acme.public_id}/sso", OIDC_FORM).status_code == 404


def test_bad_settings_get_a_reason_not_a_500(acme: Organization) -> None:
    client = _official_client(acme)
    bad = client.post(
        f"/organizations/{acme.public_id}/sso",
        {
            "protocol": "saml",
            "entity_id": "x",
            "sso_url": "https://idp.example/sso",
            "x509cert": "nope",
        },
        follow=True,
    )
    assert "Paste the certificate as PEM" in bad.content.decode()
    plain_http = client.post(
        f"/organizations/{acme.public_id}/sso",
        {**OIDC_FORM, "issuer": "http://idp.example"},
        follow=True,
    )
    assert "Give an https:// address." in plain_http.content.decode()
    internal = client.post(
        f"/organizations/{acme.public_id}/sso",
        {**OIDC_FORM, "issuer": "https://169.254.169.254/latest"},
        follow=True,
    )
    assert "Give your identity provider&#x27;s public address." in internal.content.decode()
    assert not SocialApp.objects.exists()


def _saml(org: Organization) -> SsoConnection:
    official = org.memberships.get(role="signing_official").user
    return sso_configure(
        actor=official,
        organization=org,
        config=SamlSettings(
            entity_id="https://idp.acme.example/metadata",
            sso_url="https://idp.acme.example/sso",
            x509cert=self_signed("acme").cert_pem,
        ),
    )


def test_mandatory_needs_one_sign_in_through_the_idp_first(acme: Organization) -> None:
    client = _official_client(acme)
    _saml(acme)
    page = client.post(
        f"/organizations/{acme.public_id}/sso/mandatory", {"mandatory": "on"}, follow=True
    )
    assert "Sign in once through your identity provider" in page.content.decode()
    assert not SsoConnection.objects.get().mandatory
    SsoConnection.objects.update(last_sign_in_at=timezone.now())
    client.post(f"/organizations/{acme.public_id}/sso/mandatory", {"mandatory": "on"})
    assert SsoConnection.objects.get().mandatory
    assert AuditEvent.objects.filter(action="sso.mandatory_changed").exists()


@pytest.fixture
def mandatory(acme: Organization) -> SsoConnection:
    signing_official(acme, "official@acme.example")
    connection = _saml(acme)
    SsoConnection.objects.filter(pk=connection.pk).update(
        mandatory=True, last_sign_in_at=timezone.now()
    )
    return connection


def test_mandatory_sso_refuses_a_password_with_the_reason(
    mandatory: SsoConnection, client: Client
) -> None:
    ada: User = UserFactory.create(email="ada@eu.acme.example")
    response = client.post("/accounts/login/", {"login": ada.email, "password": PASSWORD})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Acme Inc signs in its people through its identity provider" in text
    assert "_auth_user_id" not in client.session
    # Every other password path too (the admin's login uses the backends).
    assert authenticate(None, username=ada.email, password=PASSWORD) is None
    assert authenticate(None, email=ada.email, password=PASSWORD) is None
    # Someone of another domain signs in with a password as before.
    other: User = UserFactory.create(email="bob@example.com")
    assert (
        client.post("/accounts/login/", {"login": other.email, "password": PASSWORD}).status_code
        == 302
    )
    assert authenticate(None, username=other.email, password=PASSWORD) == other


def test_mandatory_sso_refuses_a_password_reset(mandatory: SsoConnection, client: Client) -> None:
    UserFactory.create(email="ada@acme.example")
    response = client.post("/accounts/password/reset/", {"email": "ada@acme.example"})
    assert response.status_code == 200
    assert "There is no password to reset" in response.content.decode()


def test_the_address_alone_sends_the_person_to_their_idp(mandatory: SsoConnection) -> None:
    client = Client(HTTP_HOST="localhost")  # python3-saml wants a dotted host or localhost
    response = client.post("/accounts/login/", {"login": "ada@acme.example"})
    assert response.status_code == 302
    assert response["Location"].startswith("https://idp.acme.example/sso?SAMLRequest=")
    email_first = client.post("/accounts/sso/", {"email": "ada@ACME.example"})
    assert email_first["Location"].startswith("https://idp.acme.example/sso?SAMLRequest=")
    nobody = client.post("/accounts/sso/", {"email": "ada@elsewhere.example"})
    assert nobody.status_code == 400
    assert "No organisation signs in this address" in nobody.content.decode()
    # A look-alike domain is not the organisation's.
    lookalike = client.post("/accounts/sso/", {"email": "ada@notacme.example"})
    assert lookalike.status_code == 400


def test_a_suspended_organisation_stops_owning_its_domain(
    mandatory: SsoConnection, client: Client
) -> None:
    Organization.objects.filter(pk=mandatory.organization_id).update(
        status=Organization.Status.SUSPENDED
    )
    ada: User = UserFactory.create(email="ada@acme.example")
    assert authenticate(None, username=ada.email, password=PASSWORD) == ada
    assert client.post("/accounts/sso/", {"email": ada.email}).status_code == 400


def test_an_unreachable_idp_is_a_page_not_a_500(acme: Organization, client: Client) -> None:
    official = signing_official(acme, "official@acme.example")
    sso_configure(
        actor=official,
        organization=acme,
        config=OidcSettings("https://127.0.0.1:9/unreachable", "client", "secret"),
    )
    response = client.post("/accounts/login/", {"login": "ada@acme.example"})
    assert response.status_code == 502
    assert "identity provider cannot be reached" in response.content.decode()
