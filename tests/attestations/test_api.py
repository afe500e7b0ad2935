"""The attestation and document API: the same rules as the web pages, in the one error shape."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from attestations.models import Attestation
from attestations.selectors import declaration_current
from tests.attestations import images
from tests.attestations.factories import AttestationFactory
from tests.attestations.mrz_samples import td3
from tests.support.api import assert_api_error, json_body

pytestmark = pytest.mark.django_db

ApiClientFor = Callable[[User | None], APIClient]


def _answers() -> dict[str, object]:
    return {
        "status": "us_citizen",
        "given_names": "Anna Maria",
        "family_name": "Eriksson",
        "date_of_birth": "1974-08-12",
        "country_of_birth": "US",
        "citizenships": ["US"],
        "declaration_version": declaration_current().version,
        "signature_name": "Anna Maria Eriksson",
        "perjury_acknowledged": True,
    }


def test_sign_then_read_the_current_attestation(
    stranger: User, api_client_for: ApiClientFor
) -> None:
    client = api_client_for(stranger)
    assert_api_error(client.get("/api/v1/attestations/current"), 404, "no_attestation")
    declaration = json_body(client.get("/api/v1/declarations/current"))
    assert len(declaration["sha256"]) == 64
    created = client.post(
        "/api/v1/attestations", _answers(), format="json", REMOTE_ADDR="192.0.2.1"
    )
    assert created.status_code == 201, created.content
    body = json_body(created)
    assert body["declaration_sha256"] == declaration["sha256"]
    assert (body["status"], body["level"], body["geo_clean"]) == ("us_citizen", 1, True)
    current = json_body(client.get("/api/v1/attestations/current"))
    assert current["id"] == body["id"]
    assert current["expires_at"] > current["signed_at"]


def test_signing_errors_name_the_fields(stranger: User, api_client_for: ApiClientFor) -> None:
    answers = {**_answers(), "signature_name": "Nobody", "perjury_acknowledged": False}
    response = api_client_for(stranger).post(
        "/api/v1/attestations", answers, format="json", REMOTE_ADDR="192.0.2.1"
    )
    error = assert_api_error(response, 400, "invalid", field="signature_name")
    assert "perjury_acknowledged" in error["fields"]
    assert not Attestation.objects.exists()


def test_anonymous_callers_are_refused(api_client_for: ApiClientFor) -> None:
    assert_api_error(
        api_client_for(None).post("/api/v1/attestations", _answers(), format="json"),
        401,
        "not_authenticated",
    )


def test_typed_lines_sent_as_json_are_checked_and_wait_for_an_officer(
    stranger: User, api_client_for: ApiClientFor
) -> None:
    AttestationFactory.create(user=stranger)
    client = api_client_for(stranger)
    response = client.post(
        "/api/v1/documents", {"document_type": "us_passport", "mrz": td3()}, format="json"
    )
    assert response.status_code == 201, response.content
    body = json_body(response)
    # Typed lines prove consistency, not possession (IDV_TYPED_MRZ_PASSES is off).
    assert (body["status"], body["supports_status"]) == ("needs_review", "")
    assert {c["name"] for c in body["checks"]} >= {"name_matches", "document_not_expired"}
    again = json_body(client.get(f"/api/v1/documents/{body['id']}"))
    assert again["status"] == "needs_review"


def test_a_document_can_be_uploaded_as_multipart(
    stranger: User, api_client_for: ApiClientFor
) -> None:
    AttestationFactory.create(user=stranger)
    upload = SimpleUploadedFile("scan.pdf", images.pdf(), content_type="application/pdf")
    response = api_client_for(stranger).post(
        "/api/v1/documents",
        {"document_type": "birth_certificate", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = json_body(response)
    assert (body["status"], body["review_reasons"], body["has_image"]) == (
        "needs_review",
        ["no_mrz"],
        True,
    )


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("passport.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        ("bomb.png", images.png_bomb(), "image/png"),
    ],
    ids=["html-named-jpg", "decompression-bomb"],
)
def test_hostile_uploads_get_a_clear_error(
    stranger: User, api_client_for: ApiClientFor, name: str, data: bytes, content_type: str
) -> None:
    AttestationFactory.create(user=stranger)
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    response = api_client_for(stranger).post(
        "/api/v1/documents", {"document_type": "us_passport", "file": upload}, format="multipart"
    )
    assert_api_error(response, 400, "upload_rejected", field="file")


def test_an_oversized_upload_is_refused(
    stranger: User, api_client_for: ApiClientFor, settings: object
) -> None:
    settings.IDV_DOCUMENT_MAX_BYTES = 50_000  # type: ignore[attr-defined]
    AttestationFactory.create(user=stranger)
    big = images.jpeg(2000, 2000) + b"\x00" * 60_000
    upload = SimpleUploadedFile("big.jpg", big, content_type="image/jpeg")
    response = api_client_for(stranger).post(
        "/api/v1/documents", {"document_type": "us_passport", "file": upload}, format="multipart"
    )
    error = assert_api_error(response, 400, "upload_rejected", field="file")
    assert "MB" in error["message"]


def test_a_document_before_any_attestation_is_a_conflict(
    stranger: User, api_client_for: ApiClientFor
) -> None:
    response = api_client_for(stranger).post(
        "/api/v1/documents", {"document_type": "us_passport", "mrz": td3()}, format="json"
    )
    assert_api_error(response, 409, "conflict")


def test_the_web_form_shows_upload_errors_beside_the_field(stranger: User) -> None:
    AttestationFactory.create(user=stranger)
    client = Client()
    client.force_login(stranger)
    upload = SimpleUploadedFile("scan.png", b"not an image", content_type="image/png")
    response = client.post("/documents/", {"document_type": "us_passport", "file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_file"' in html
    assert "JPEG or PNG" in html
