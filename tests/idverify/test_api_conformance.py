"""The published OpenAPI schema describes every answer the API really gives.

Schemathesis reads ``GET /api/v1/schema/`` from a live server and sends every
operation valid and invalid requests, then checks each answer against the
schema: no 500; a documented status, media type, body and headers; invalid
input refused; authentication not ignored; other methods refused; a deleted
resource gone. Only "valid data is accepted" is left out: a random
valid-looking id names nothing here, and 404 is the right answer to it.

Each operation is called by someone who can reach its core: a compliance
officer for the officers' operations, a model API client for introspection,
an organisation admin for the rest, with the ids of things that exist offered
half the time (the other half are made up, so unknown ids are tried too).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from accounts.models import ApiKey, Membership, Organization, User
from accounts.services.api_keys import api_key_create
from accounts.services.invitations import invitation_create
from accounts.services.sponsorships import sponsorship_create
from entitlements.services.clients import model_client_create
from tests.attestations.factories import DocumentFactory
from tests.entitlements.support import person, tier
from tests.support.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
# Enough cases per operation to reach its error paths, few enough for a 2-core machine.
MAX_EXAMPLES = 5
# About a minute of CPU; far longer on a machine busy with other work.
BUDGET_SECONDS = 900

OFFICER_OPERATIONS = [
    "POST /api/v1/tiers",
    "PATCH /api/v1/tiers/{slug}",
    "POST /api/v1/tiers/{slug}/directive",
    "POST /api/v1/revocations",
    "POST /api/v1/organizations/{org_id}/verify",
    "POST /api/v1/organizations/{org_id}/reject",
    "POST /api/v1/organizations/{org_id}/suspend",
]
MODEL_CLIENT_OPERATIONS = ["POST /api/v1/introspect"]


def _toml(value: Any) -> str:
    """A TOML value: JSON's strings, numbers and arrays are TOML too; tables are inline."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def _config(sections: list[tuple[str, dict[str, Any]]]) -> str:
    lines = []
    for header, values in sections:
        if header:
            lines.append(f"\n{header}")
        lines += [f"{json.dumps(key)} = {_toml(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def server(live_server: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    # Requests come from 127.0.0.1, which the places policy allows only when told to.
    settings.IDV_GEO_ALLOW_LOCAL = True
    # Limits high enough that the run tests the operations, not only the limiters; past
    # them the API still answers 429, which the schema lists.
    settings.IDV_AUTH_FAILURES_PER_MINUTE = 100_000
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": "100000/min", "user": "100000/min", "auth": "100000/min"},
    )
    return str(live_server.url)


@pytest.fixture
def world(server: str) -> dict[str, Any]:
    """The people and things the run works on; returns their credentials and ids."""
    tier("fable-5", min_level=1)
    org = OrganizationFactory.create(legal_name="Conformance Org Inc.")
    admin = person(1, email="admin@example.com")
    MembershipFactory.create(user=admin, organization=org, role=Membership.Role.SIGNING_OFFICIAL)
    teammate = person(1, email="teammate@example.com")
    MembershipFactory.create(user=teammate, organization=org, role=Membership.Role.MEMBER)
    pending = OrganizationFactory.create(
        legal_name="Pending Inc.", status=Organization.Status.PENDING
    )
    operator = OrganizationFactory.create(legal_name="Operator", kind=Organization.Kind.OPERATOR)
    officer = person(0, email="officer@example.com")
    MembershipFactory.create(
        user=officer, organization=operator, role=Membership.Role.COMPLIANCE_OFFICER
    )
    invitation = invitation_create(actor=admin, organization=org, email="new@example.com")
    sponsorship = sponsorship_create(
        actor=admin, organization=org, user=teammate, basis="I-9 on file, U.S. citizen"
    )
    document = DocumentFactory.create(user=admin)
    client = model_client_create(name="conformance", tier_slug="fable-5")
    admin_key = api_key_create(user=admin, name="conformance")
    return {
        "admin": admin_key,
        "officer": api_key_create(user=officer, name="conformance").plaintext,
        "client": (client.client.client_id, client.client_secret),
        "ids": {
            "org_id": [str(org.public_id), str(pending.public_id)],
            "user_id": [str(teammate.public_id)],
            "invitation_id": [str(invitation.public_id)],
            "sponsorship_id": [str(sponsorship.public_id)],
            "document_id": [str(document.public_id)],
            "slug": ["fable-5"],
        },
    }


def _write_config(path: Path, world: dict[str, Any]) -> None:
    client_id, secret = world["client"]
    special = OFFICER_OPERATIONS + MODEL_CLIENT_OPERATIONS
    sections: list[tuple[str, dict[str, Any]]] = [
        # One connection a request. Once in CI, Django's test server read leftover bytes on
        # a kept-alive connection as the next request line and answered with a bare HTML
        # error page (no status line), which failed the run; production serves gunicorn.
        ("", {"headers": {"Connection": "close"}}),
        ("[generation]", {"max-examples": MAX_EXAMPLES, "deterministic": True}),
        # Every check but "valid data is accepted" (see the module's docstring).
        ("[checks]", {"enabled": True, "positive_data_acceptance": {"enabled": False}}),
    ]
    for name, values in world["ids"].items():
        sections.append((f"[dictionaries.{name}]", {"values": values}))
    sections.append(
        (
            "[parameters]",
            {f"path.{name}": {"dictionary": name, "probability": 0.5} for name in world["ids"]},
        )
    )
    sections += [
        (
            "[[operations]]",
            {
                "exclude-name": special,
                "headers": {"Authorization": f"Bearer {world['admin'].plaintext}"},
            },
        ),
        (
            "[[operations]]",
            {
                "include-name": OFFICER_OPERATIONS,
                "headers": {"Authorization": f"Bearer {world['officer']}"},
            },
        ),
        (
            "[[operations]]",
            {
                "include-name": MODEL_CLIENT_OPERATIONS,
                "headers": {
                    "Authorization": "Basic "
                    + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
                },
            },
        ),
        # Schemathesis reads application/jwt as JSON (it is a compact JWS, RFC 7519), so
        # it cannot check the signed document's body; its status, type and headers it can.
        (
            "[[operations]]",
            {
                "include-name": "GET /api/v1/revocations",
                "checks": {"response_schema_conformance": {"enabled": False}},
            },
        ),
    ]
    path.write_text(_config(sections))


@pytest.mark.timeout(BUDGET_SECONDS + 60)
def test_every_answer_is_the_one_the_schema_describes(
    server: str, world: dict[str, Any], tmp_path: Path
) -> None:
    config = tmp_path / "schemathesis.toml"
    _write_config(config, world)
    started = time.monotonic()
    completed = subprocess.run(  # noqa: S603 - our own venv's schemathesis, fixed arguments
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "--no-color",
            "run",
            f"{server}/api/v1/schema/?format=json",
            "--workers",
            "1",
            "--output-truncate",
            "false",
        ],
        capture_output=True,
        text=True,
        timeout=BUDGET_SECONDS,
        check=False,
        cwd=tmp_path,
    )
    seconds = time.monotonic() - started
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, (
        f"The API and its schema disagree (schemathesis ran {seconds:.0f} s):\n{output}"
    )
    # A run that revoked its own key would have tested only the 401 answers.
    key: ApiKey = world["admin"].api_key
    key.refresh_from_db()
    assert key.revoked_at is None
    assert User.objects.filter(email="admin@example.com", is_active=True).exists()
