"""People of documented access, the test base every access test is written against.

| fixture     | who                                                              |
|-------------|------------------------------------------------------------------|
| org         | a verified customer organisation                                 |
| owner       | org_admin of ``org``                                             |
| teammate    | plain member of ``org``                                          |
| outsider    | org_admin of ``other_org`` (a different customer), nothing in org |
| officer     | compliance officer of the operator organisation (service-wide)   |
| stranger    | signed up, belongs to no organisation                            |

owner, outsider and officer are privileged: their sessions must pass a second
factor (accounts.second_factor) before they can do anything.
``sign_in_with_second_factor`` gives a test client such a session;
``enrol_totp`` and ``totp_code`` let a test pass the second factor for real.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, User
from accounts.services.api_keys import api_key_create
from tests.support.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def org(db: None) -> Organization:
    return OrganizationFactory.create(legal_name="Owner Org Inc.")


@pytest.fixture
def other_org(db: None) -> Organization:
    return OrganizationFactory.create(legal_name="Outsider Org LLC")


@pytest.fixture
def operator_org(db: None) -> Organization:
    return OrganizationFactory.create(legal_name="Operator", kind=Organization.Kind.OPERATOR)


@pytest.fixture
def owner(org: Organization) -> User:
    user: User = MembershipFactory.create(
        organization=org, role=Membership.Role.ORG_ADMIN, user__email="owner@example.com"
    ).user
    return user


@pytest.fixture
def teammate(org: Organization) -> User:
    user: User = MembershipFactory.create(
        organization=org, role=Membership.Role.MEMBER, user__email="teammate@example.com"
    ).user
    return user


@pytest.fixture
def outsider(other_org: Organization) -> User:
    user: User = MembershipFactory.create(
        organization=other_org, role=Membership.Role.ORG_ADMIN, user__email="outsider@example.com"
    ).user
    return user


@pytest.fixture
def officer(operator_org: Organization) -> User:
    user: User = MembershipFactory.create(
        organization=operator_org,
        role=Membership.Role.COMPLIANCE_OFFICER,
        user__email="officer@example.com",
    ).user
    return user


@pytest.fixture
def stranger(db: None) -> User:
    user: User = UserFactory.create(email="stranger@example.com")
    return user


@pytest.fixture
def api_client_for(db: None) -> Callable[[User | None], APIClient]:
    """An API client that authenticates the way programs do: a real personal access token."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            key = api_key_create(user=user, name="tests").plaintext
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows (RFC 6238: HMAC-SHA-1, 30 s steps, 6 digits),
    computed here rather than with allauth's helpers, so the two check each other."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    if at is None:
        at = time.time()
        # The server checks the code a moment later, and accepts only the current step:
        # a code handed out in a step's last 2 seconds could be checked in the next one.
        if 30 - at % 30 < 2:
            time.sleep(30 - at % 30 + 0.05)
            at = time.time()
    counter = int(at // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def enrol_totp(user: User) -> str:
    """Give the person an authenticator app, as allauth's enrolment page does; return its secret."""
    secret = base64.b32encode(os.urandom(20)).decode("ascii")
    TOTP.activate(user, secret)
    return secret


def totp_secret(user: User) -> str | None:
    """The person's authenticator-app secret (stored encrypted), if they have one."""
    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return None if found is None else str(decrypt(found.data["secret"]))


def sign_in_with_second_factor(client: Client, user: User, *, enrol: bool = True) -> None:
    """Sign the client in with a session that passed a second factor (enrolling an app first
    unless ``enrol`` is off), for tests about something else. Signing in with a real code,
    as a person does, is what tests/accounts/test_second_factor_sign_in.py tests."""
    if enrol and totp_secret(user) is None:
        enrol_totp(user)
    client.force_login(user)
    session = client.session
    record_authentication(SimpleNamespace(session=session), user, "mfa", type="totp")
    session.save()


def sign_in_with_totp(client: Client, user: User, secret: str) -> None:
    """Sign in as a person does: the password, then the authenticator app's current code."""
    from tests.support.factories import PASSWORD

    first = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert first.status_code == 302, first.content[:300]
    assert first["Location"] == "/accounts/2fa/authenticate/", first["Location"]
    second = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert second.status_code == 302, second.content[:300]
    assert not second["Location"].startswith("/accounts/"), second["Location"]
