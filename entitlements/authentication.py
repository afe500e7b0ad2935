"""How model APIs authenticate to the introspection endpoint (RFC 6749 section 2.3.1).

HTTP Basic (``client_secret_basic``) or ``client_id`` and ``client_secret``
form fields (``client_secret_post``), never both. Failed attempts are counted
per client address and per client id (``idverify.credential_failures``); past
the limit a failing caller is told to wait, and a valid client always gets in.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from urllib.parse import unquote

from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from entitlements.models import ModelClient
from entitlements.services.clients import model_client_authenticate
from geo.selectors import request_client_ip
from idverify.credential_failures import CredentialAttempt

REALM = 'Basic realm="introspection"'


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = get_authorization_header(request).split()
    if not header or header[0].lower() != b"basic":
        return None
    if len(header) != 2:
        raise exceptions.AuthenticationFailed("Malformed Authorization header.")
    try:
        decoded = base64.b64decode(header[1], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise exceptions.AuthenticationFailed("Malformed Basic credentials.") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise exceptions.AuthenticationFailed("Malformed Basic credentials.")
    return unquote(client_id), unquote(secret)


def _form_credentials(request: Request) -> tuple[str, str] | None:
    client_id = request.POST.get("client_id")
    secret = request.POST.get("client_secret")
    if client_id is None and secret is None:
        return None
    return client_id or "", secret or ""


class ModelClientAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[AnonymousUser, ModelClient] | None:
        # Per real client: behind a reverse proxy REMOTE_ADDR is the proxy, shared by all.
        attempt = CredentialAttempt(
            scope="model-client", address=str(request_client_ip(request._request) or "unknown")
        )
        try:
            basic = _basic_credentials(request)
            form = _form_credentials(request)
        except exceptions.AuthenticationFailed as exc:
            raise attempt.failed(str(exc.detail)) from None
        if basic and form:
            raise attempt.failed(
                "Use one way to authenticate: HTTP Basic or form fields, not both."
            )
        credentials = basic or form
        if credentials is None:
            return None
        client_id, secret = credentials
        client = model_client_authenticate(client_id=client_id, client_secret=secret)
        if client is None:
            # The client id is not secret: failures against one are counted wherever they come from.
            named = replace(attempt, credential=client_id[:40] or None)
            raise named.failed("Unknown client or wrong client secret.")
        # No person is behind a model API; DRF still wants a user object.
        return AnonymousUser(), client

    def authenticate_header(self, request: Request) -> str:
        return REALM


class IsModelClient(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, ModelClient)
