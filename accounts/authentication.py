"""API authentication with personal access tokens (``Authorization: Bearer idv_pat_...``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts import api_keys
from accounts.models import ApiKey, User
from geo.selectors import request_client_ip

# last_used_at is for people reading their key list; one write a minute per key is plenty.
_TOUCH_EVERY = timedelta(minutes=1)


def _client_address(request: Request) -> str:
    # Behind a reverse proxy REMOTE_ADDR is the proxy: count per real client instead.
    return str(request_client_ip(request) or "unknown")


def _failure_key(request: Request) -> str:
    minute = int(timezone.now().timestamp() // 60)
    return f"authfail:{_client_address(request)}:{minute}"


def _refuse_if_too_many_failures(request: Request) -> None:
    failures = cache.get(_failure_key(request), 0)
    if failures >= settings.IDV_AUTH_FAILURES_PER_MINUTE:
        raise exceptions.Throttled(wait=60 - int(timezone.now().timestamp()) % 60)


def _count_failure(request: Request) -> None:
    key = _failure_key(request)
    if not cache.add(key, 1, timeout=90):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=90)


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        _refuse_if_too_many_failures(request)
        if len(header) != 2:
            _count_failure(request)
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header; expected 'Bearer <key>'."
            )
        try:
            presented = header[1].decode("ascii")
        except UnicodeDecodeError:
            presented = ""
        # The checksum rejects typos and guesses without touching the database.
        if not api_keys.is_well_formed(presented):
            _count_failure(request)
            raise exceptions.AuthenticationFailed("The API key is not valid.")
        key = (
            ApiKey.objects.select_related("user").filter(digest=api_keys.digest(presented)).first()
        )
        now = timezone.now()
        if key is None or not key.is_usable(now) or not key.user.is_active:
            _count_failure(request)
            raise exceptions.AuthenticationFailed("The API key is not valid, expired or revoked.")
        if key.last_used_at is None or now - key.last_used_at > _TOUCH_EVERY:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
