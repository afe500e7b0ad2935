"""The header and the home page show every area a person may use, and only those."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import Organization, User
from attestations.models import Document
from tests.attestations.factories import DocumentFactory
from tests.support.factories import OrganizationFactory, UserFactory
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def _header_links(client: Client, path: str = "/") -> dict[str, str]:
    """The main navigation's links, label (with any count) -> address."""
    response = client.get(path)
    assert response.status_code == 200
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', response.content.decode(), re.S)
    assert nav, "no main navigation"
    links = re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav.group(1), re.S)
    return {" ".join(re.sub(r"<[^>]+>", " ", label).split()): url for url, label in links}


def _as(user: User) -> Client:
    """Signed in with a session that passed a second factor, as privileged people must."""
    client = Client()
    sign_in_with_second_factor(client, user)
    return client


def test_a_compliance_officer_sees_the_console_the_review_queue_with_its_count_and_organisations(
    officer: User,
) -> None:
    DocumentFactory.create_batch(2, status=Document.Status.NEEDS_REVIEW)
    OrganizationFactory.create(status=Organization.Status.PENDING)
    links = _header_links(_as(officer))
    assert links == {
        "Verification": "/status/",
        "Organisations 1 registration waiting for verification": "/organizations/",
        "Review queue 2 documents waiting": "/review/",
        "Screening matches 0 matches waiting": "/screening/review/",
        "Compliance console": "/console/",
        "Account": "/account/",
    }


def test_every_link_in_the_header_opens_for_the_person_it_is_shown_to(
    officer: User, owner: User, teammate: User, stranger: User
) -> None:
    for person in (officer, owner, teammate, stranger):
        client = _as(person)
        for label, url in _header_links(client).items():
            response = client.get(url, follow=True)
            assert response.status_code == 200, (person.email, label, url)


def test_an_organisation_admin_sees_their_organisations_but_no_officer_area(owner: User) -> None:
    assert list(_header_links(_as(owner))) == ["Verification", "Organisations", "Account"]


def test_a_person_in_no_organisation_sees_their_verification_and_account(stranger: User) -> None:
    assert list(_header_links(_as(stranger))) == ["Verification", "Account"]


def test_someone_signed_out_is_offered_sign_in_and_sign_up(db: None) -> None:
    assert list(_header_links(Client())) == ["Sign in", "Create an account"]


def test_staff_without_admin_permissions_get_no_admin_link_that_would_refuse_them(
    db: None,
) -> None:
    staff = UserFactory.create(is_staff=True)
    assert "Admin" not in _header_links(_as(staff))
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    staff = User.objects.get(pk=staff.pk)  # permissions are cached on the instance
    assert _header_links(_as(staff))["Admin"] == "/admin/"
    assert _as(staff).get("/admin/").status_code == 200


def test_a_superuser_sees_the_admin_link(db: None) -> None:
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    assert _header_links(_as(admin))["Admin"] == "/admin/"


def test_the_area_of_the_current_page_is_marked(owner: User) -> None:
    html = _as(owner).get("/organizations/").content.decode()
    assert '<a href="/organizations/" aria-current="page">Organisations</a>' in html
    assert '<a href="/status/" aria-current="page">' not in html


def test_the_home_page_lists_each_area_with_what_it_is_for(officer: User) -> None:
    DocumentFactory.create(status=Document.Status.NEEDS_REVIEW)
    html = _as(officer).get("/").content.decode()
    main = html.split('<main id="main"', 1)[1]
    for label in ("Verification", "Organisations", "Review queue", "Compliance console"):
        assert f">{label}</a>" in main
    assert "Now: 1 document waiting." in main


def test_the_console_links_to_the_review_queue_with_its_count(officer: User) -> None:
    DocumentFactory.create_batch(3, status=Document.Status.NEEDS_REVIEW)
    html = _as(officer).get("/console/").content.decode()
    main = html.split('<main id="main"', 1)[1]
    assert '<a href="/review/">Review queue</a>: 3 documents waiting for a decision.' in main


def test_the_account_page_points_to_where_the_attestation_is_signed(stranger: User) -> None:
    html = _as(stranger).get("/account/").content.decode()
    assert 'href="/status/">verification page</a>' in html
