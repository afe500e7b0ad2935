"""Helpers shared by accounts' API views."""

from __future__ import annotations

from rest_framework.request import Request

from accounts.models import User


def request_user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - IsAuthenticated guarantees it
    return user
