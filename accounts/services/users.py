"""Writes about people: creating an account. Each owns its transaction and audit record."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.email_addresses import FORMULA_MESSAGE
from accounts.models import User
from audit.services import audit_record
from idverify.csvsafe import formula_start
from idverify.errors import ValidationFailed


def user_create(
    *, email: str, password: str | None = None, full_name: str = "", actor: User | None = None
) -> User:
    email = email.strip().lower()
    if formula_start(email):
        raise ValidationFailed(FORMULA_MESSAGE, fields={"email": [FORMULA_MESSAGE]})
    taken = ValidationFailed(
        "An account with this email address already exists.",
        fields={"email": ["An account with this email address already exists."]},
    )
    try:
        with transaction.atomic():
            if User.objects.filter(email__iexact=email).exists():
                raise taken
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
            audit_record(
                action="user.created", actor=actor, subject_type="user", subject_id=user.public_id
            )
    except IntegrityError:
        # Two sign-ups with one address at the same moment: the unique index decides.
        raise taken from None
    return user
