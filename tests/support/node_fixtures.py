"""Migrate the nodes' database and create what the multi-process tests use; print it as JSON.

python -m tests.support.node_fixtures   (with a node's environment, tests.support.nodes)

Idempotent enough for one run: a fresh database each time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import django

PASSWORD = "node-test-password-2026"


def main() -> None:
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from accounts.services import api_key_create
    from attestations.models import Document, DocumentType, UsPersonStatus
    from entitlements.services.keys import signing_keys_rotate
    from entitlements.services.tiers import tier_create
    from geo.demo_db import write_demo_databases
    from tests.attestations.factories import AttestationFactory, DocumentFactory
    from tests.support.factories import MembershipFactory, OrganizationFactory, UserFactory

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    write_demo_databases(Path(os.environ["IDV_VAR_DIR"]) / "geoip")
    signing_keys_rotate()
    tier_create(actor=None, slug="fable-5", name="Fable 5", reason="Node tests.", min_level=2)
    person = UserFactory.create(email="node-person@example.com")
    person.set_password(PASSWORD)
    person.save()
    AttestationFactory.create(user=person, status=UsPersonStatus.US_CITIZEN)
    DocumentFactory.create(
        user=person, document_type=DocumentType.US_PASSPORT, status=Document.Status.PASSED
    )
    operator = OrganizationFactory.create(kind="operator", legal_name="Node operator")
    officer = MembershipFactory.create(organization=operator, role="compliance_officer").user
    # A signed-in browser session, as Django's login() leaves it.
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    print(  # noqa: T201 - read by tests.support.nodes.prepare
        json.dumps(
            {
                "person_email": person.email,
                "person_password": PASSWORD,
                "person_key": api_key_create(user=person, name="node tests").plaintext,
                "officer_key": api_key_create(user=officer, name="node tests").plaintext,
                "session": session.session_key,
                "tier": "fable-5",
            }
        )
    )


if __name__ == "__main__":
    main()
