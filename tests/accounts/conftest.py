"""Fixtures for the accounts tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from accounts.enrolment.runner import enrolment_job_run
from accounts.models import Organization, User
from accounts.services.domain_challenges import domain_challenge_create
from accounts.services.enrolments import enrolment_submit
from accounts.services.sponsorships import sponsorship_create
from tests.accounts.dns_server import dns_server
from tests.accounts.factories import HEADER, csv_bytes, csv_file, invitation, signing_official
from tests.accounts.org_world import World
from tests.support.factories import MembershipFactory


@pytest.fixture
def world(
    org: Organization, owner: User, teammate: User, outsider: User, settings: Any
) -> Iterator[World]:
    """``org`` with one of everything its endpoints act on: a second member, an invitation,
    a sponsorship, a domain challenge, a finished dry-run enrolment; and a DNS server
    that answers for its domain."""
    org.website_domain = "owner-org.example"
    org.save()
    signer = signing_official(org)
    member2 = MembershipFactory.create(organization=org, user__email="member2@example.com").user
    sponsorship = sponsorship_create(actor=signer, organization=org, user=teammate, basis="I-9")
    domain_challenge_create(actor=owner, organization=org)
    data = csv_bytes(HEADER, "new.person@example.com,New,Person,,,", "bad,X,Y,,,")
    job = enrolment_submit(
        actor=owner,
        organization=org,
        file=csv_file(data),
        filename="s.csv",
        size=len(data),
        mode="dry_run",
    )
    enrolment_job_run(job_id=job.pk)
    job.refresh_from_db()
    with dns_server() as server:
        settings.IDV_DNS_NAMESERVERS = [server.address]
        yield World(
            org, member2, invitation(org, "invited@example.com", invited_by=owner), sponsorship, job
        )
