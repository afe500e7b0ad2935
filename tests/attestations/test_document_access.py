"""A person never sees another's document; officers see documents to review them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from attestations.models import Document, DocumentType
from attestations.services import document_submit
from audit.models import AuditEvent
from tests.attestations import images
from tests.attestations.factories import AttestationFactory
from tests.support.api import assert_api_error, json_body
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(teammate: User) -> Document:
    AttestationFactory.create(user=teammate)
    return document_submit(
        user=teammate, document_type=DocumentType.BIRTH_CERTIFICATE, file_data=images.png()
    )


def _client(user: User) -> Client:
    client = Client()
    sign_in_with_second_factor(client, user)
    return client


def test_the_owner_sees_the_page_and_gets_the_decrypted_file(
    document: Document, teammate: User
) -> None:
    client = _client(teammate)
    page = client.get(f"/documents/{document.public_id}/")
    assert page.status_code == 200
    assert b"officer will look at this document" in page.content
    file = client.get(f"/documents/{document.public_id}/file")
    assert file.status_code == 200
    assert file["Content-Type"] == "image/png"
    assert "no-store" in file["Cache-Control"]
    assert "sandbox" in file["Content-Security-Policy"]
    assert file.content == images.png()


@pytest.mark.parametrize("person", ["owner", "outsider", "stranger"])
def test_anyone_else_gets_not_found_for_page_file_and_api(
    person: str,
    request: pytest.FixtureRequest,
    document: Document,
    api_client_for: Callable[[User | None], APIClient],
) -> None:
    user = request.getfixturevalue(person)
    client = _client(user)
    for path in ("/", "/file"):
        assert client.get(f"/documents/{document.public_id}{path}").status_code == 404
    response = client.post(f"/documents/{document.public_id}/delete-image")
    assert response.status_code == 404
    assert_api_error(
        api_client_for(user).get(f"/api/v1/documents/{document.public_id}"), 404, "not_found"
    )
    assert Document.objects.get(pk=document.pk).has_image


def test_an_anonymous_visitor_is_sent_to_sign_in(document: Document) -> None:
    response = Client().get(f"/documents/{document.public_id}/file")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_officer_sees_the_file_and_the_viewing_is_audited(
    document: Document, officer: User
) -> None:
    client = _client(officer)
    assert client.get(f"/review/{document.public_id}/").status_code == 200
    assert client.get(f"/documents/{document.public_id}/file").status_code == 200
    event = AuditEvent.objects.get(action="document.image_viewed")
    assert event.actor == f"user:{officer.public_id}"


@pytest.mark.parametrize("person", ["owner", "teammate", "stranger"])
def test_only_officers_open_the_review_pages(
    person: str, request: pytest.FixtureRequest, document: Document
) -> None:
    client = _client(request.getfixturevalue(person))
    assert client.get("/review/").status_code == 403
    assert client.get(f"/review/{document.public_id}/").status_code == 403
    response = client.post(
        f"/review/{document.public_id}/",
        {"decision": "approve", "reason": "genuine_and_matching"},
    )
    assert response.status_code == 403
    assert Document.objects.get(pk=document.pk).status == Document.Status.NEEDS_REVIEW


def test_files_are_never_reachable_under_a_public_url(document: Document, teammate: User) -> None:
    client = _client(teammate)
    for guess in (
        f"/media/documents/{document.file_name}",
        f"/static/documents/{document.file_name}",
        f"/documents/{document.file_name}/",
    ):
        response = client.get(guess)
        assert response.status_code == 404, guess


def test_the_api_shows_the_owner_their_document(
    document: Document, teammate: User, api_client_for: Callable[[User | None], APIClient]
) -> None:
    body = json_body(api_client_for(teammate).get(f"/api/v1/documents/{document.public_id}"))
    assert body["id"] == str(document.public_id)
    assert body["status"] == "needs_review"
    assert body["review_reasons"] == ["no_mrz"]
    assert body["has_image"] is True
