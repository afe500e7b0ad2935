"""Files that are not a usable CSV are refused whole, with a reason, and nothing is stored."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.enrolment.csvfile import FileRejected, inspect
from accounts.models import EnrolmentJob, EnrolmentUpload, Organization, User
from tests.accounts.factories import HEADER, csv_bytes, csv_file, staff_rows
from tests.support.api import assert_api_error
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

GOOD_ROW = "ada@example.com,Ada,Lovelace,E1,Research,yes"


def _rejected(data: bytes) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        inspect(csv_file(data), size=len(data))
    return caught.value


@pytest.mark.parametrize(
    ("data", "code", "phrase"),
    [
        (b"", "empty_file", "empty"),
        (b"\r\n\r\n", "empty_file", "no header"),
        (csv_bytes(HEADER), "no_rows", "header line but no rows"),
        (
            csv_bytes(HEADER.replace(",", ";"), GOOD_ROW.replace(",", ";")),
            "wrong_delimiter",
            "semicolons",
        ),
        (
            csv_bytes(HEADER.replace(",", "\t"), GOOD_ROW.replace(",", "\t")),
            "wrong_delimiter",
            "tabs",
        ),
        (
            codecs.BOM_UTF16_LE + f"{HEADER}\r\n{GOOD_ROW}\r\n".encode("utf-16-le"),
            "wrong_encoding",
            "UTF-16",
        ),
        (f"{HEADER}\r\n{GOOD_ROW}\r\n".encode("utf-16-le"), "wrong_encoding", "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary_file", "not a text file"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 30, "wrong_format", "Excel"),
        (
            csv_bytes(
                HEADER, GOOD_ROW, "b@example.com,Bj\xf6rn,Berg".encode("latin-1").decode("latin-1")
            ).replace(b"Bj\xc3\xb6rn", b"Bj\xf6rn"),
            "wrong_encoding",
            "not valid UTF-8",
        ),
        (csv_bytes("email,given_name", GOOD_ROW), "missing_columns", "family_name"),
        (csv_bytes(HEADER + ",salary", GOOD_ROW + ",1"), "unknown_columns", "salary"),
        (
            csv_bytes("email,email,given_name,family_name", "a@x.com,a@x.com,A,B"),
            "duplicate_columns",
            "email",
        ),
        (csv_bytes(HEADER, 'ada@example.com,"Ada,Lovelace,E1'), "malformed_csv", "not valid CSV"),
    ],
    ids=[
        "empty",
        "blank-lines-only",
        "header-only",
        "semicolons",
        "tabs",
        "utf16-with-bom",
        "utf16-without-bom",
        "png",
        "xlsx",
        "latin1",
        "missing-column",
        "unknown-column",
        "duplicate-column",
        "unclosed-quote",
    ],
)
def test_an_unreadable_file_is_refused_with_its_reason(data: bytes, code: str, phrase: str) -> None:
    error = _rejected(data)
    assert error.instance_code == code
    assert phrase in error.message


def test_a_value_longer_than_the_parser_allows_is_refused_with_its_line() -> None:
    data = csv_bytes(HEADER, GOOD_ROW, "x@example.com,X," + "y" * 200_000)
    error = _rejected(data)
    assert error.instance_code == "field_too_long"
    assert "Line 3" in error.message


def test_limits_are_enforced(settings: Any) -> None:
    settings.IDV_ENROLMENT_MAX_ROWS = 5
    error = _rejected(csv_bytes(HEADER, *staff_rows(6)))
    assert error.instance_code == "too_many_rows"
    settings.IDV_ENROLMENT_MAX_BYTES = 100
    assert _rejected(csv_bytes(HEADER, *staff_rows(5))).instance_code == "file_too_large"


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_utf8_with_or_without_bom_and_either_line_ending_reads(bom: bool, newline: str) -> None:
    data = csv_bytes(
        "Email, Given Name ,family-name",
        "ada@example.com,Ada,Lovelace",
        "",
        ",,",
        '"b@example.com","Zoë ""Zee""","Line\nBreak"',
        bom=bom,
        newline=newline,
    )
    shape = inspect(csv_file(data), size=len(data))
    assert shape.columns == ("email", "given_name", "family_name")
    assert shape.rows_total == 2  # blank and all-empty lines are not rows


def test_the_api_refuses_a_bad_file_and_stores_nothing(
    api_client_for: Callable[[User | None], APIClient], owner: User, org: Organization
) -> None:
    data = csv_bytes(HEADER.replace(",", ";"), GOOD_ROW.replace(",", ";"))
    response = api_client_for(owner).post(
        f"/api/v1/organizations/{org.public_id}/enrolments",
        {"file": csv_file(data), "mode": "dry_run"},
        format="multipart",
    )
    error = assert_api_error(response, 400, "wrong_delimiter", field="file")
    assert error["line"] == 1
    assert not EnrolmentUpload.objects.exists()
    assert not EnrolmentJob.objects.exists()


def test_the_api_refuses_an_oversized_upload_before_reading_it(
    api_client_for: Callable[[User | None], APIClient],
    owner: User,
    org: Organization,
    settings: Any,
) -> None:
    settings.IDV_ENROLMENT_MAX_BYTES = 1024
    data = csv_bytes(HEADER, *staff_rows(2000))
    response = api_client_for(owner).post(
        f"/api/v1/organizations/{org.public_id}/enrolments",
        {"file": csv_file(data), "mode": "dry_run"},
        format="multipart",
    )
    assert_api_error(response, 413, "file_too_large")


def test_the_api_requires_a_file_and_a_known_mode(
    api_client_for: Callable[[User | None], APIClient], owner: User, org: Organization
) -> None:
    url = f"/api/v1/organizations/{org.public_id}/enrolments"
    client = api_client_for(owner)
    assert_api_error(
        client.post(url, {"mode": "dry_run"}, format="multipart"), 400, "invalid", field="file"
    )
    data = csv_bytes(HEADER, GOOD_ROW)
    response = client.post(url, {"file": csv_file(data), "mode": "yolo"}, format="multipart")
    assert_api_error(response, 400, "invalid", field="mode")


def test_the_web_form_shows_the_reason_beside_the_field(
    client: Client, owner: User, org: Organization
) -> None:
    sign_in_with_second_factor(client, owner)
    data = codecs.BOM_UTF16_LE + f"{HEADER}\r\n{GOOD_ROW}\r\n".encode("utf-16-le")
    response = client.post(
        f"/organizations/{org.public_id}/enrolments", {"file": csv_file(data, "staff.csv")}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "UTF-16" in page
    assert not EnrolmentJob.objects.exists()
