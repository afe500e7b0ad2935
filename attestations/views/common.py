from __future__ import annotations

from django.http import HttpRequest

from accounts.models import User


def signed_in(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    return user
