"""WSGI and ASGI middleware: who gets through, and what everyone else is told."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import Claims, Verifier
from idverify_verifier.middleware import CLAIMS_KEY, ASGIMiddleware, WSGIMiddleware
from idverify_verifier.testing import TokenFactory, revocation_document
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    KID,
    REVOCATIONS_URL,
    Clock,
    MemoryFetch,
    open_document,
)

Response = tuple[int, dict[str, str], dict[str, Any]]


# -- WSGI ------------------------------------------------------------------------


def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    claims: Claims | None = environ.get(CLAIMS_KEY)
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"sub": None if claims is None else claims.sub}).encode()]


def call_wsgi(
    verifier: Verifier, authorization: str | None, path: str = "/v1/completions"
) -> Response:
    environ: dict[str, Any] = {"REQUEST_METHOD": "POST", "PATH_INFO": path}
    if authorization is not None:
        environ["HTTP_AUTHORIZATION"] = authorization
    seen: dict[str, Any] = {}

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None, /
    ) -> Callable[[bytes], object]:
        seen["status"], seen["headers"] = int(status.split(maxsplit=1)[0]), dict(headers)
        return lambda data: None

    middleware = WSGIMiddleware(wsgi_app, verifier, exempt_paths={"/healthz"})
    body = b"".join(middleware(environ, start_response))
    return seen["status"], seen["headers"], json.loads(body)


def test_wsgi_passes_a_valid_token_and_its_claims_through(
    verifier: Verifier, factory: TokenFactory
) -> None:
    status, _, body = call_wsgi(verifier, f"Bearer {factory.mint()}")
    assert (status, body) == (200, {"sub": factory.claims()["sub"]})


def test_wsgi_accepts_the_bearer_scheme_in_any_case(
    verifier: Verifier, factory: TokenFactory
) -> None:
    assert call_wsgi(verifier, f"bearer {factory.mint()}")[0] == 200


@pytest.mark.parametrize("authorization", [None, "", "Basic dXNlcjpwYXNz", "Token abc"])
def test_wsgi_asks_for_a_token_when_none_is_sent(
    verifier: Verifier, authorization: str | None
) -> None:
    status, headers, body = call_wsgi(verifier, authorization)
    assert status == 401
    assert headers["WWW-Authenticate"] == 'Bearer realm="idverify"'
    assert body["error"]["code"] == "token.missing"


def test_wsgi_refuses_an_invalid_token_with_its_reason(
    verifier: Verifier, factory: TokenFactory
) -> None:
    forged = factory.mint(key=Ed25519PrivateKey.generate())
    status, headers, body = call_wsgi(verifier, f"Bearer {forged}")
    assert status == 401
    assert 'error="invalid_token"' in headers["WWW-Authenticate"]
    assert body["error"] == {
        "code": "signature",
        "message": "the signature does not match the token",
    }
    assert headers["Cache-Control"] == "no-store"


def test_wsgi_forbids_a_token_for_a_suspended_tier(
    verifier: Verifier, factory: TokenFactory, fetch: MemoryFetch, key: Ed25519PrivateKey
) -> None:
    suspended = open_document(serial=2, tiers={AUDIENCE: {"state": "suspended", "epoch": 1}})
    fetch.publish(REVOCATIONS_URL, revocation_document(key, KID, suspended))
    verifier.refresh()
    status, headers, body = call_wsgi(verifier, f"Bearer {factory.mint()}")
    assert status == 403
    assert "WWW-Authenticate" not in headers
    assert body["error"]["code"] == "revoked.tier_suspended"


def test_wsgi_answers_503_while_the_verifier_cannot_vouch_for_anything(
    verifier: Verifier, factory: TokenFactory, fetch: MemoryFetch, clock: Clock
) -> None:
    fetch.fail(REVOCATIONS_URL)
    clock.advance(61)
    verifier.refresh()
    status, headers, body = call_wsgi(verifier, f"Bearer {factory.mint()}")
    assert status == 503
    assert headers["Retry-After"] == "5"
    assert body["error"]["code"] == "revocation.stale"


def test_wsgi_lets_exempt_paths_through_without_a_token(verifier: Verifier) -> None:
    assert call_wsgi(verifier, None, path="/healthz") == (
        200,
        {"Content-Type": "application/json"},
        {"sub": None},
    )


# -- ASGI ------------------------------------------------------------------------


async def asgi_app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    claims: Claims | None = scope.get(CLAIMS_KEY)
    if scope["type"] == "websocket":
        await send({"type": "websocket.accept"})
        return
    body = json.dumps({"sub": None if claims is None else claims.sub}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def call_asgi(
    verifier: Verifier, authorization: str | None, kind: str = "http", path: str = "/v1/x"
) -> list[dict[str, Any]]:
    headers = [(b"host", b"model.test")]
    if authorization is not None:
        headers.append((b"authorization", authorization.encode("latin-1")))
    scope: dict[str, Any] = {"type": kind, "path": path, "headers": headers}
    sent: list[dict[str, Any]] = []
    inbound = [{"type": "websocket.connect"} if kind == "websocket" else {"type": "http.request"}]

    async def receive() -> MutableMapping[str, Any]:
        return inbound.pop(0) if inbound else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    asyncio.run(ASGIMiddleware(asgi_app, verifier)(scope, receive, send))
    return sent


def asgi_response(sent: list[dict[str, Any]]) -> Response:
    start, body = sent
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, json.loads(body["body"])


def test_asgi_passes_a_valid_token_and_its_claims_through(
    verifier: Verifier, factory: TokenFactory
) -> None:
    status, _, body = asgi_response(call_asgi(verifier, f"Bearer {factory.mint()}"))
    assert (status, body) == (200, {"sub": factory.claims()["sub"]})


def test_asgi_starts_a_verifier_that_was_never_started(
    make_verifier: Callable[..., Verifier], factory: TokenFactory
) -> None:
    verifier = make_verifier()
    assert verifier.needs_start
    assert asgi_response(call_asgi(verifier, f"Bearer {factory.mint()}"))[0] == 200
    assert verifier.status().running


def test_asgi_asks_for_a_token_when_none_is_sent(verifier: Verifier) -> None:
    status, headers, body = asgi_response(call_asgi(verifier, None))
    assert status == 401
    assert headers["www-authenticate"] == 'Bearer realm="idverify"'
    assert body["error"]["code"] == "token.missing"


def test_asgi_refuses_an_expired_token_with_its_reason(
    verifier: Verifier, factory: TokenFactory, clock: Clock
) -> None:
    token = factory.mint()
    clock.advance(631)
    verifier.refresh()
    status, headers, body = asgi_response(call_asgi(verifier, f"Bearer {token}"))
    assert status == 401
    assert headers["www-authenticate"].endswith('error_description="claims.expired"')
    assert body["error"]["code"] == "claims.expired"


def test_asgi_forbids_a_revoked_token(
    verifier: Verifier, factory: TokenFactory, fetch: MemoryFetch, key: Ed25519PrivateKey
) -> None:
    token = factory.mint()
    jti = verifier.verify(token).jti
    fetch.publish(
        REVOCATIONS_URL, revocation_document(key, KID, open_document(serial=2, jtis={jti: 0}))
    )
    verifier.refresh()
    status, _, body = asgi_response(call_asgi(verifier, f"Bearer {token}"))
    assert (status, body["error"]["code"]) == (403, "revoked.jti")


def test_asgi_closes_a_websocket_without_a_valid_token(verifier: Verifier) -> None:
    assert call_asgi(verifier, "Bearer nope", kind="websocket") == [
        {"type": "websocket.close", "code": 1008}
    ]


def test_asgi_accepts_a_websocket_with_a_valid_token(
    verifier: Verifier, factory: TokenFactory
) -> None:
    sent = call_asgi(verifier, f"Bearer {factory.mint()}", kind="websocket")
    assert sent == [{"type": "websocket.accept"}]


def test_asgi_passes_lifespan_events_untouched(verifier: Verifier) -> None:
    calls: list[str] = []

    async def app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        calls.append(scope["type"])

    async def nothing() -> MutableMapping[str, Any]:
        return {}

    async def ignore(message: MutableMapping[str, Any]) -> None:
        return None

    asyncio.run(ASGIMiddleware(app, verifier)({"type": "lifespan"}, nothing, ignore))
    assert calls == ["lifespan"]
