"""SAML single sign-on against a real SAML IdP (pysaml2, signing with xmlsec1) in the test.

The whole flow runs over HTTP: the sign-in page sends the address to the IdP
(HTTP-Redirect AuthnRequest), the IdP answers with a signed Response in an
auto-submitting form (HTTP-POST), and the ACS signs the person in to the
account SCIM provisioned. Then every way an assertion must not work.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount

from accounts.models import Organization
from audit.models import AuditEvent
from sso.models import SsoConnection
from sso.services import SamlSettings, slug_for, sso_configure
from tests.accounts.factories import signing_official
from tests.sso.conftest import Browser, auto_form, provision, verified_org
from tests.sso.saml_idp import SamlIdp
from tests.support.factories import PASSWORD, UserFactory
from tests.support.people import enrol_totp

pytestmark = pytest.mark.django_db(transaction=True)


def connect(browser: Browser, org: Organization, idp: SamlIdp) -> SsoConnection:
    official = org.memberships.get(role="signing_official").user
    connection = sso_configure(
        actor=official,
        organization=org,
        config=SamlSettings(
            entity_id=idp.entity_id, sso_url=idp.sso_url, x509cert=idp.keys.cert_pem
        ),
    )
    metadata = browser.get(f"/accounts/saml/{slug_for(org)}/metadata/")
    assert metadata.status_code == 200, metadata.text[:300]
    idp.trust(metadata.text)
    return connection


@pytest.fixture
def acme(browser: Browser, idp_factory: Any) -> tuple[Organization, SamlIdp]:
    org = verified_org("Acme Inc", "acme.example")
    signing_official(org, "official@acme.example")
    idp = idp_factory("acme")
    connect(browser, org, idp)
    return org, idp


def test_an_address_in_the_domain_signs_in_through_its_idp_to_the_scim_account(
    browser: Browser, acme: tuple[Organization, SamlIdp]
) -> None:
    org, idp = acme
    ada = provision(browser.base, org, "ada@acme.example")
    idp.person = "ada@acme.example"
    at_idp = browser.sign_in_email_first("ada@acme.example")
    assert at_idp.url.startswith(idp.sso_url), at_idp.url
    assert "SAMLResponse" in at_idp.text
    done = browser.submit_auto_form(at_idp)
    assert done.status_code == 200, done.text[:500]
    assert browser.signed_in_user() == ada
    link = SocialAccount.objects.get(user=ada)
    assert link.provider == slug_for(org)
    assert AuditEvent.objects.filter(action="sso.account_linked").exists()
    # A second sign-in uses the link.
    browser.http.cookies.clear()
    again = browser.submit_auto_form(browser.sign_in_email_first("ada@acme.example"))
    assert again.status_code == 200
    assert browser.signed_in_user() == ada
    assert SocialAccount.objects.filter(user=ada).count() == 1


def test_another_organisations_idp_cannot_sign_in_an_address_it_does_not_own(
    browser: Browser, acme: tuple[Organization, SamlIdp], idp_factory: Any
) -> None:
    org, _ = acme
    provision(browser.base, org, "ada@acme.example")
    evil = verified_org("Evil Ltd", "evil.example")
    signing_official(evil, "official@evil.example")
    evil_idp = idp_factory("evil")
    connect(browser, evil, evil_idp)
    provision(browser.base, evil, "eve@evil.example")
    evil_idp.person = "ada@acme.example"  # Evil's IdP claims Acme's person
    at_idp = browser.sign_in_email_first("eve@evil.example")
    assert at_idp.url.startswith(evil_idp.sso_url)
    refused = browser.submit_auto_form(at_idp)
    assert refused.status_code == 403
    assert "may sign in only addresses in evil.example" in refused.text
    assert browser.signed_in_user() is None
    assert not SocialAccount.objects.exists()
    refusal = AuditEvent.objects.get(action="sso.sign_in_refused")
    assert refusal.data["code"] == "address_outside_domain"


def test_a_response_signed_with_another_key_is_refused(
    browser: Browser, acme: tuple[Organization, SamlIdp], idp_factory: Any, caplog: Any
) -> None:
    """An impostor claims Acme's IdP entity id but cannot sign with Acme's key."""
    org, idp = acme
    provision(browser.base, org, "ada@acme.example")
    impostor = idp_factory("impostor")
    impostor.pose_as = idp
    impostor.trust(browser.get(f"/accounts/saml/{slug_for(org)}/metadata/").text)
    impostor.person = "ada@acme.example"
    at_idp = browser.http.get(
        browser.base + "/accounts/login/", timeout=30
    )  # a session with a CSRF cookie
    token = browser.csrf("/accounts/login/")
    started = browser.http.post(
        browser.base + "/accounts/login/",
        data={"login": "ada@acme.example", "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert at_idp.status_code == 200
    query = started.headers["Location"].split("?", 1)[1]
    forged = browser.get(f"{impostor.own_sso_url}?{query}")
    browser.submit_auto_form(forged)
    assert browser.signed_in_user() is None
    assert not SocialAccount.objects.exists()
    assert "Signature validation failed" in caplog.text


def test_an_unsigned_response_is_refused(
    browser: Browser, acme: tuple[Organization, SamlIdp], caplog: Any
) -> None:
    org, idp = acme
    provision(browser.base, org, "ada@acme.example")
    idp.person, idp.sign = "ada@acme.example", False
    browser.submit_auto_form(browser.sign_in_email_first("ada@acme.example"))
    assert browser.signed_in_user() is None
    assert not SocialAccount.objects.exists()
    assert "No Signature found" in caplog.text or "not signed" in caplog.text


def test_a_tampered_response_is_refused(
    browser: Browser, acme: tuple[Organization, SamlIdp], caplog: Any
) -> None:
    org, idp = acme
    provision(browser.base, org, "ada@acme.example")
    provision(browser.base, org, "bob@acme.example")
    idp.person = "bob@acme.example"
    action, fields = auto_form(browser.sign_in_email_first("bob@acme.example").text)
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert "bob@acme.example" in xml
    fields["SAMLResponse"] = base64.b64encode(
        xml.replace("bob@acme.example", "ada@acme.example").encode()
    ).decode()
    browser.post(action, fields)
    assert browser.signed_in_user() is None
    assert not SocialAccount.objects.exists()
    assert "Signature validation failed" in caplog.text or "invalid_response" in caplog.text


def test_a_response_for_another_audience_is_refused(
    browser: Browser, acme: tuple[Organization, SamlIdp], caplog: Any
) -> None:
    org, idp = acme
    provision(browser.base, org, "ada@acme.example")
    idp.person = "ada@acme.example"
    idp.audience = "https://another-service.example/saml/metadata"
    browser.submit_auto_form(browser.sign_in_email_first("ada@acme.example"))
    assert browser.signed_in_user() is None
    assert "is not a valid audience" in caplog.text


def test_a_replayed_response_is_refused(
    browser: Browser, acme: tuple[Organization, SamlIdp], caplog: Any
) -> None:
    org, idp = acme
    ada = provision(browser.base, org, "ada@acme.example")
    idp.person = "ada@acme.example"
    action, fields = auto_form(browser.sign_in_email_first("ada@acme.example").text)
    assert browser.post(action, fields).status_code == 200
    assert browser.signed_in_user() == ada
    # The same response again: in a fresh session (stolen), and in the same one.
    browser.http.cookies.clear()
    replayed = browser.post(action, fields)
    assert browser.signed_in_user() is None
    assert "Third-Party Login Failure" in replayed.text or replayed.status_code >= 400, (
        replayed.text[:500]
    )


def test_a_person_without_an_account_gets_none(
    browser: Browser, acme: tuple[Organization, SamlIdp]
) -> None:
    _, idp = acme
    idp.person = "nobody@acme.example"
    refused = browser.submit_auto_form(browser.sign_in_email_first("nobody@acme.example"))
    assert refused.status_code == 403
    assert "no account for nobody@acme.example" in refused.text
    assert browser.signed_in_user() is None


def test_an_idp_sign_in_does_not_pass_the_second_factor(
    browser: Browser, acme: tuple[Organization, SamlIdp]
) -> None:
    """A privileged person still gives their own second factor after the IdP (sso.adapter)."""
    org, idp = acme
    official = org.memberships.get(role="signing_official").user
    enrol_totp(official)
    idp.person = official.email
    after_idp = browser.submit_auto_form(browser.sign_in_email_first(official.email))
    assert after_idp.url.endswith("/accounts/2fa/authenticate/"), after_idp.url
    assert browser.signed_in_user() is None
    # A privileged person without a factor is signed in, but sent to enrol first.
    second = provision(browser.base, org, "admin@acme.example")
    org.memberships.filter(user=second).update(role="org_admin")
    browser.http.cookies.clear()
    idp.person = second.email
    browser.submit_auto_form(browser.sign_in_email_first(second.email))
    assert browser.signed_in_user() == second
    page = browser.get(f"/organizations/{org.public_id}/")
    assert page.url.endswith("/accounts/2fa/"), page.url


def test_a_signed_in_person_cannot_connect_someone_elses_idp_identity(
    browser: Browser, acme: tuple[Organization, SamlIdp]
) -> None:
    """allauth's "connect" process would attach the IdP's identity to whoever is signed in."""
    org, idp = acme
    provision(browser.base, org, "ada@acme.example")
    bob = UserFactory.create(email="bob@example.com")
    token = browser.csrf("/accounts/login/")
    signed_in = browser.post(
        "/accounts/login/",
        {"login": bob.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert signed_in.status_code == 200
    assert browser.signed_in_user() == bob
    idp.person = "ada@acme.example"
    token = browser.csrf("/accounts/3rdparty/")
    at_idp = browser.post(
        f"/accounts/saml/{slug_for(org)}/login/?process=connect",
        {"csrfmiddlewaretoken": token, "process": "connect"},
    )
    assert at_idp.url.startswith(idp.sso_url), at_idp.url
    refused = browser.submit_auto_form(at_idp)
    assert "Single sign-on only signs people in." in refused.text
    assert not SocialAccount.objects.exists()
