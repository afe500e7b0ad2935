"""WSGI and ASGI middleware: ``Authorization: Bearer <token>`` in, ``idverify.claims`` out.

Refusals answer ``{"error": {"code", "message"}}``: 401 for a missing or invalid
token (with a ``WWW-Authenticate: Bearer`` challenge), 403 for an authentic token
that is revoked or whose tier is suspended or closed to its holder, and 503 with
``Retry-After`` when the verifier itself cannot vouch for any token right now
(``revocation.stale``, ``jwks.unavailable``): a new token would not help there.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Collection, Iterable, MutableMapping
from typing import Any, Final
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from idverify_verifier.errors import InvalidToken
from idverify_verifier.verifier import Verifier

CLAIMS_KEY: Final = "idverify.claims"
MISSING_CODE: Final = "token.missing"
RETRY_AFTER_SECONDS: Final = "5"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def bearer_token(authorization: str | None) -> str | None:
    """The credentials of a ``Bearer`` Authorization header, else None (RFC 6750 2.1)."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip(" ")


def refusal(error: InvalidToken | None) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) for a refused request; ``None`` means no token was sent."""
    if error is None:
        status, code, message = 401, MISSING_CODE, "send an entitlement token as a Bearer token"
        # RFC 6750 3.1: no error code when the request carried no credentials at all.
        challenge: str | None = 'Bearer realm="idverify"'
    else:
        code, message = error.code, error.message
        if error.unavailable:
            status, challenge = 503, None
        elif error.revoked:
            status, challenge = 403, None
        else:
            # The code is from a fixed list, so it is safe inside a quoted-string.
            status = 401
            challenge = (
                f'Bearer realm="idverify", error="invalid_token", error_description="{code}"'
            )
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
    ]
    if challenge is not None:
        headers.append(("WWW-Authenticate", challenge))
    if status == 503:
        headers.append(("Retry-After", RETRY_AFTER_SECONDS))
    return status, headers, body


_REASONS: Final = {401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable"}


class WSGIMiddleware:
    """Wrap a WSGI app so it only sees requests with a valid token for ``verifier``'s tier."""

    def __init__(
        self, app: WSGIApplication, verifier: Verifier, *, exempt_paths: Collection[str] = ()
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.exempt_paths = frozenset(exempt_paths)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "") in self.exempt_paths:
            return self.app(environ, start_response)
        token = bearer_token(environ.get("HTTP_AUTHORIZATION"))
        error: InvalidToken | None = None
        if token is not None:
            try:
                environ[CLAIMS_KEY] = self.verifier.verify(token)
            except InvalidToken as refused:
                error = refused
            else:
                return self.app(environ, start_response)
        status, headers, body = refusal(error)
        start_response(f"{status} {_REASONS[status]}", headers)
        return [body]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class ASGIMiddleware:
    """Wrap an ASGI app; HTTP and WebSocket connections need a valid token.

    Verification is CPU-bound and brief, so it runs on the event loop; only the first
    start of the verifier (network fetches) is moved to a worker thread.
    """

    def __init__(
        self, app: ASGIApp, verifier: Verifier, *, exempt_paths: Collection[str] = ()
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.exempt_paths = frozenset(exempt_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind not in ("http", "websocket") or scope.get("path", "") in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        token = bearer_token(_header(scope, b"authorization"))
        error: InvalidToken | None = None
        if token is not None:
            if self.verifier.needs_start:
                await asyncio.to_thread(self.verifier.start)
            try:
                claims = self.verifier.verify(token)
            except InvalidToken as refused:
                error = refused
            else:
                await self.app({**scope, CLAIMS_KEY: claims}, receive, send)
                return
        if kind == "websocket":
            # Closing before accepting makes the server refuse the handshake (HTTP 403).
            await receive()
            await send({"type": "websocket.close", "code": 1008})
            return
        status, headers, body = refusal(error)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
            }
        )
        await send({"type": "http.response.body", "body": body})
