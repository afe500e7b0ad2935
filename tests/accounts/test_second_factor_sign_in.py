"""Signing in with a second factor, as privileged people must: enrolment at the next sign-in,
real authenticator-app codes, recovery codes, and what may not be undone."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps as django_apps
from django.test import Client

from accounts.models import User
from accounts.second_factor.adapter import unseal
from audit.models import AuditEvent
from tests.support.factories import PASSWORD
from tests.support.people import (
    enrol_totp,
    sign_in_with_second_factor,
    sign_in_with_totp,
    totp_code,
)

pytestmark = pytest.mark.django_db


def _password_login(client: Client, user: User) -> Any:
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


# allauth announces a new factor after its transaction commits: a real commit here.
@pytest.mark.django_db(transaction=True)
def test_a_privileged_person_without_a_factor_enrols_one_at_the_next_sign_in(
    officer: User, client: Client
) -> None:
    signed_in = _password_login(client, officer)
    assert signed_in["Location"] == "/"
    assert client.get("/")["Location"] == "/accounts/2fa/"
    assert client.get("/console/")["Location"] == "/accounts/2fa/"

    # allauth asks for the password again before anyone adds a factor.
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate["Location"].startswith("/accounts/reauthenticate/")
    again = client.post(activate["Location"], {"password": PASSWORD})
    assert again["Location"] == "/accounts/2fa/totp/activate/"
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
    assert secret is not None, page

    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=officer).exists()
    done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret.group(1))})
    assert done["Location"] == "/accounts/2fa/recovery-codes/"
    # Enrolling proved the factor: the console opens without another code.
    assert client.get("/console/").status_code == 200
    stored = Authenticator.objects.get(user=officer, type=Authenticator.Type.TOTP)
    assert secret.group(1) not in str(stored.data)
    assert unseal(stored.data["secret"]) == secret.group(1)


def test_an_enrolled_person_is_asked_for_the_code_and_a_wrong_one_does_not_sign_in(
    officer: User, client: Client
) -> None:
    secret = enrol_totp(officer)
    assert _password_login(client, officer)["Location"] == "/accounts/2fa/authenticate/"
    refused = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert refused.status_code == 200
    assert "Incorrect code" in refused.content.decode()
    assert client.get("/console/")["Location"].startswith("/accounts/login/")

    right = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert right.status_code == 302
    assert client.get("/console/").status_code == 200


def test_a_code_already_used_does_not_sign_in_again(officer: User) -> None:
    secret = enrol_totp(officer)
    sign_in_with_totp(Client(), officer, secret)
    replay = Client()
    _password_login(replay, officer)
    refused = replay.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert refused.status_code == 200
    assert replay.get("/console/")["Location"].startswith("/accounts/login/")


def test_a_recovery_code_passes_the_second_factor_once(officer: User, client: Client) -> None:
    enrol_totp(officer)
    codes = RecoveryCodes.activate(officer).get_unused_codes()
    _password_login(client, officer)
    assert client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert client.get("/console/").status_code == 200

    other = Client()
    _password_login(other, officer)
    assert other.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 200


def test_a_session_that_skipped_the_code_is_asked_for_it_and_sent_back(
    officer: User, client: Client
) -> None:
    secret = enrol_totp(officer)
    client.force_login(officer)
    asked = client.get("/console/users/?q=someone")
    assert (
        asked["Location"]
        == "/accounts/2fa/reauthenticate/?next=%2Fconsole%2Fusers%2F%3Fq%3Dsomeone"
    )
    back = client.post(asked["Location"], {"code": totp_code(secret)})
    assert back["Location"] == "/console/users/?q=someone"
    assert client.get("/console/").status_code == 200


def test_a_privileged_person_cannot_remove_their_last_authenticator_app(
    officer: User, teammate: User
) -> None:
    for user, removable in ((officer, False), (teammate, True)):
        client = Client()
        sign_in_with_totp(client, user, enrol_totp(user))
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        response = client.post("/accounts/2fa/totp/deactivate/", follow=True)
        kept = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert kept is not removable, user.email
        if not removable:
            assert "add another authenticator app or passkey" in response.content.decode()


def test_removing_the_last_passkey_sends_a_privileged_person_back_to_enrolment(
    officer: User, client: Client
) -> None:
    # allauth does not ask the adapter before removing a passkey; the session then
    # no longer counts as having passed a second factor.
    passkey = Authenticator.objects.create(user=officer, type=Authenticator.Type.WEBAUTHN, data={})
    sign_in_with_second_factor(client, officer, enrol=False)
    assert client.get("/console/").status_code == 200
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    removed = client.post(f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/")
    assert removed.status_code == 302
    assert not Authenticator.objects.filter(user=officer).exists()
    assert client.get("/console/")["Location"] == "/accounts/2fa/"


def test_adding_and_removing_a_factor_is_audited(teammate: User) -> None:
    enrol_totp(teammate)
    Authenticator.objects.filter(user=teammate).delete()
    events = AuditEvent.objects.filter(subject_id=str(teammate.public_id)).order_by("id")
    assert [(e.action, e.data) for e in events if e.action.startswith("mfa.")] == [
        ("mfa.authenticator_added", {"type": "totp"}),
        ("mfa.authenticator_removed", {"type": "totp"}),
    ]


def test_secrets_stored_in_the_clear_before_are_sealed_by_the_migration(
    officer: User, client: Client
) -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    Authenticator.objects.create(
        user=officer, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    migration = importlib.import_module("accounts.migrations.0009_seal_second_factor_secrets")
    migration.seal_secrets(django_apps, None)
    migration.seal_secrets(django_apps, None)  # again: nothing sealed twice
    stored = Authenticator.objects.get(user=officer).data["secret"]
    assert stored.startswith("idv1:")
    assert secret not in stored
    assert unseal(stored) == secret
    sign_in_with_totp(client, officer, secret)
