"""Password sign-in refused for people whose organisation made single sign-on mandatory.

The sign-in page says so first (``sso.views``); these backends hold the line for
every other password path (the admin's login, allauth's forms however reached).
Only ``authenticate`` is changed: sessions opened through the IdP stay valid.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User
from sso.selectors import mandatory_connection_for


def _allowed(user: Any) -> Any:
    if isinstance(user, User) and mandatory_connection_for(user.email) is not None:
        return None
    return user


class PasswordBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        return _allowed(super().authenticate(request, username, password, **kwargs))


class AllauthPasswordBackend(AuthenticationBackend):  # type: ignore[misc] # allauth untyped
    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> Any:
        return _allowed(super().authenticate(request, **credentials))
