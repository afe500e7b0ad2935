from __future__ import annotations

import pytest
from django.db import IntegrityError

from accounts.models import User
from accounts.services.users import user_create
from idverify.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_case_insensitively_unique() -> None:
    user = user_create(email="  Ada@Example.COM ", password="a-long-password-1")
    assert user.email == "ada@example.com"
    with pytest.raises(ValidationFailed, match="already exists"):
        user_create(email="ADA@example.com")
    with pytest.raises(IntegrityError):
        User.objects.create(email="ADA@EXAMPLE.COM")


def test_every_user_has_an_opaque_public_id_distinct_from_the_pk() -> None:
    a = user_create(email="a@example.com")
    b = user_create(email="b@example.com")
    assert a.public_id != b.public_id
    # Random (version 4), not derived from the row number: a small pk's digits
    # turn up inside a random UUID's text by chance, so compare the values.
    assert a.public_id.version == 4
    assert a.public_id.int not in (a.pk, b.pk)
    assert not a.has_usable_password()
