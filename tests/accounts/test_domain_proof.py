"""Proving control of the website domain with a DNS TXT record, through a real DNS server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import DomainChallenge, Organization, User
from accounts.services.domain_challenges import (
    DomainNotProven,
    domain_challenge_check,
    domain_challenge_create,
)
from audit.models import AuditEvent
from idverify.errors import Conflict, PermissionDenied, Unavailable
from tests.accounts.dns_server import DnsServer, dns_server
from tests.support.api import assert_api_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def dns(settings: Any) -> Iterator[DnsServer]:
    with dns_server() as server:
        settings.IDV_DNS_NAMESERVERS = [server.address]
        settings.IDV_DNS_TIMEOUT_SECONDS = 2
        yield server


@pytest.fixture
def org_with_domain(org: Organization) -> Organization:
    org.website_domain = "owner-org.example"
    org.save()
    return org


def test_a_published_record_proves_the_domain(
    dns: DnsServer, org_with_domain: Organization, owner: User
) -> None:
    challenge = domain_challenge_create(actor=owner, organization=org_with_domain)
    assert challenge.record_name == "_idverify-challenge.owner-org.example"
    assert challenge.expires_at - timezone.now() > timedelta(days=6, hours=23)
    dns.txt[challenge.record_name] = ["v=spf1 -all", challenge.record_value]
    checked = domain_challenge_check(actor=owner, organization=org_with_domain)
    assert checked.verified_at is not None
    org_with_domain.refresh_from_db()
    assert org_with_domain.domain_verified_at is not None
    assert dns.questions == [challenge.record_name]
    assert AuditEvent.objects.filter(action="organization.domain_verified").exists()


def test_a_missing_or_wrong_record_is_reported_and_remembered(
    dns: DnsServer, org_with_domain: Organization, owner: User
) -> None:
    challenge = domain_challenge_create(actor=owner, organization=org_with_domain)
    with pytest.raises(DomainNotProven, match="was found"):
        domain_challenge_check(actor=owner, organization=org_with_domain)
    dns.txt[challenge.record_name] = ["idverify-domain-verification=someone-elses-token"]
    with pytest.raises(DomainNotProven):
        domain_challenge_check(actor=owner, organization=org_with_domain)
    challenge.refresh_from_db()
    assert challenge.verified_at is None
    assert challenge.last_checked_at is not None
    assert "yet" in challenge.last_result


def test_an_expired_token_must_be_replaced(
    dns: DnsServer, org_with_domain: Organization, owner: User
) -> None:
    challenge = domain_challenge_create(actor=owner, organization=org_with_domain)
    dns.txt[challenge.record_name] = [challenge.record_value]
    DomainChallenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(Conflict, match="expired"):
        domain_challenge_check(actor=owner, organization=org_with_domain)
    fresh = domain_challenge_create(actor=owner, organization=org_with_domain)
    assert fresh.token != challenge.token
    dns.txt[fresh.record_name] = [fresh.record_value]
    assert domain_challenge_check(actor=owner, organization=org_with_domain).verified_at


def test_a_dns_failure_is_a_temporary_error_not_a_verdict(
    dns: DnsServer, org_with_domain: Organization, owner: User
) -> None:
    challenge = domain_challenge_create(actor=owner, organization=org_with_domain)
    dns.failing.add(challenge.record_name)
    with pytest.raises(Unavailable):
        domain_challenge_check(actor=owner, organization=org_with_domain)
    challenge.refresh_from_db()
    assert challenge.last_checked_at is None


def test_only_the_organisations_admins_issue_records(
    org_with_domain: Organization, teammate: User, outsider: User
) -> None:
    for person in (teammate, outsider):
        with pytest.raises(PermissionDenied):
            domain_challenge_create(actor=person, organization=org_with_domain)


def test_proving_the_domain_through_the_api(
    dns: DnsServer,
    api_client_for: Callable[[User | None], APIClient],
    org_with_domain: Organization,
    owner: User,
    teammate: User,
) -> None:
    base = f"/api/v1/organizations/{org_with_domain.public_id}/domain-challenge"
    client = api_client_for(owner)
    assert_api_error(client.get(base), 404, "not_found")
    issued = client.post(base)
    assert issued.status_code == 201
    record = issued.json()
    assert_api_error(client.post(base + "/check"), 409, "domain_not_proven")
    dns.txt[record["record_name"]] = [record["record_value"]]
    checked = client.post(base + "/check")
    assert checked.status_code == 200
    assert checked.json()["verified_at"]
    assert_api_error(api_client_for(teammate).post(base), 403, "permission_denied")
