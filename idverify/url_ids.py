"""Ids taken from URLs: a public id that is not a UUID is "not found", never an error."""

from __future__ import annotations

import uuid

from idverify.errors import NotFound


def uuid_or_not_found(value: object, *, what: str) -> uuid.UUID:
    """A public id from a URL: anything that is not a UUID is simply "not found"."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No such {what}.") from None
