"""Ids taken from URLs: a public id that is not a UUID is "not found", never an error."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from idverify.errors import NotFound

M = TypeVar("M", bound=Model)


def uuid_or_not_found(value: object, *, what: str) -> uuid.UUID:
    """A public id from a URL: anything that is not a UUID is simply "not found"."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No such {what}.") from None


def get_by_public_id(queryset: QuerySet[M], value: object, *, what: str) -> M:
    """The row of ``queryset`` (already scoped to who is asking) whose ``public_id`` is
    the id from a URL, or "No such <what>." for a malformed id and a missing row alike,
    so an outsider cannot tell the two apart."""
    wanted = uuid_or_not_found(value, what=what)
    try:
        return queryset.get(public_id=wanted)
    except ObjectDoesNotExist:  # the model's DoesNotExist, whichever model
        raise NotFound(f"No such {what}.") from None
