"""API authentication with personal access tokens (``Authorization: Bearer idv_pat_...``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts import api_keys
from accounts.models import ApiKey, User
from accounts.selectors.api_key_cache import api_key_noted
from accounts.selectors.api_keys import api_key_for_request
from accounts.services.api_keys import api_key_mark_used
from geo.selectors import request_client_ip
from idverify.credential_failures import CredentialAttempt

# last_used_at is for people reading their key list; one write a minute per key is plenty.
# The same moment holds a privileged person's older key to its expiry limit, so that
# check costs nothing on the requests in between.
_TOUCH_EVERY = timedelta(minutes=1)


def _attempt(request: Request, presented: str | None = None) -> CredentialAttempt:
    # Behind a reverse proxy REMOTE_ADDR is the proxy: count per real client instead.
    return CredentialAttempt(
        scope="api-key",
        address=str(request_client_ip(request) or "unknown"),
        credential=api_keys.display_prefix(presented) if presented else None,
    )


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise _attempt(request).failed(
                "Malformed Authorization header; expected 'Bearer <key>'."
            )
        try:
            presented = header[1].decode("ascii")
        except UnicodeDecodeError:
            presented = ""
        # The checksum rejects typos and guesses without touching the database.
        if not api_keys.is_well_formed(presented):
            raise _attempt(request).failed("The API key is not valid.")
        digest = api_keys.digest(presented)
        # From this process's reads of the last few seconds, or the database.
        key = api_key_for_request(digest)
        now = timezone.now()
        if key is None or not key.is_usable(now) or not key.user.is_active:
            raise _attempt(request, presented).failed(
                "The API key is not valid, expired or revoked."
            )
        if key.last_used_at is None or now - key.last_used_at > _TOUCH_EVERY:
            api_key_mark_used(key=key, now=now)
            api_key_noted(digest, key)
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
