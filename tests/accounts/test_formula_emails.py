"""An email address that starts like a spreadsheet formula is refused wherever one comes in.

``=f5@bcorp.example`` is a valid address by the RFC, but addresses are stored and then
exported to CSV files admins open. Each door says why, beside the field or on the row.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.enrolment.csvfile import COLUMNS
from accounts.enrolment.rows import check_row
from accounts.models import Invitation, Organization, User
from accounts.services.invitations import clean_email
from accounts.services.users import user_create
from idverify.errors import ValidationFailed
from tests.support.api import assert_api_error
from tests.support.people import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

ATTACKS = ["=f5@bcorp.example", "+1@bcorp.example", "-x@bcorp.example", " =f5@bcorp.example"]
FULLWIDTH = ["\uff1df5@bcorp.example", "\uff0bx@bcorp.example", "\uff20x@bcorp.example"]
SAID = "spreadsheets would run it as a formula"


@pytest.mark.parametrize("email", [*ATTACKS, *FULLWIDTH, "\t=x@bcorp.example"])
def test_a_csv_row_with_such_an_address_is_refused_with_a_row_error(email: str) -> None:
    row = check_row(7, [email, "Eve", "Mallory", "", "", "no"], COLUMNS)
    assert row.clean is None
    [error] = row.errors
    assert (error.line, error.column, error.code) == (7, "email", "formula_email")
    assert SAID in error.message


@settings(max_examples=50, deadline=None)
@given(
    prefix=st.sampled_from(["", " ", "\u00a0", "\u3000", "\u200b", "\ufeff"]),
    sign=st.sampled_from(["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20"]),
    local=st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True),
)
def test_every_dressing_of_a_formula_sign_is_refused_by_the_invitation_check(
    prefix: str, sign: str, local: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        clean_email(f"{prefix}{sign}{local}@bcorp.example")
    assert SAID in caught.value.fields["email"][0]


def test_ordinary_addresses_with_those_signs_inside_are_fine() -> None:
    assert clean_email("a+tag@bcorp.example") == "a+tag@bcorp.example"
    assert clean_email("first-last@bcorp.example") == "first-last@bcorp.example"


def test_the_invitation_api_says_so_by_the_field(
    api_client_for: Callable[[User | None], APIClient], owner: User, org: Organization
) -> None:
    response = api_client_for(owner).post(
        f"/api/v1/organizations/{org.public_id}/invitations",
        {"email": "=f5@bcorp.example"},
        format="json",
    )
    error = assert_api_error(response, 400, "invalid", field="email")
    assert SAID in error["fields"]["email"][0]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("email", ["=f5@bcorp.example", "\uff1df5@bcorp.example"])
def test_the_invitation_form_says_so_beside_the_field(
    owner: User, org: Organization, email: str
) -> None:
    client = Client()
    sign_in_with_second_factor(client, owner)
    response = client.post(
        f"/organizations/{org.public_id}/invitations", {"email": email, "role": "member"}
    )
    assert response.status_code == 400
    assert SAID in " ".join(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()


def test_sign_up_refuses_such_an_address_beside_the_field() -> None:
    password = "a-long-and-new-password-9"
    response = Client().post(
        "/accounts/signup/",
        {"email": "=f5@bcorp.example", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert SAID in " ".join(response.context["form"].errors["email"])
    assert not User.objects.filter(email="=f5@bcorp.example").exists()


def test_the_account_service_and_the_model_refuse_it_too() -> None:
    with pytest.raises(ValidationFailed) as caught:
        user_create(email=" =f5@bcorp.example")
    assert SAID in caught.value.fields["email"][0]
    with pytest.raises(ValidationError) as invalid:
        User(email="@f5@bcorp.example").full_clean()
    assert "email" in invalid.value.message_dict
