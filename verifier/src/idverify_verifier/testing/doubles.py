"""Test doubles for a verifier: a hand-moved clock, the HTTP seam answered from memory,
and a real local HTTP server that publishes a JWKS and a revocation document with
ETags and 304s the way the service does; and ``refusal``/``refusal_code``, what a
verifier says of a token, for assertions."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final, Literal

from idverify_verifier import HttpResponse, InvalidToken, Verifier
from idverify_verifier.testing import revocations_payload

ISSUER: Final = "https://idverify.test"
AUDIENCE: Final = "fable-5"
KID: Final = "key-2026-01"
NOW: Final = 1_800_000_000
JWKS_PATH: Final = "/.well-known/jwks.json"
REVOCATIONS_PATH: Final = "/api/v1/revocations"
JWKS_URL: Final = ISSUER + JWKS_PATH
REVOCATIONS_URL: Final = ISSUER + REVOCATIONS_PATH


def refusal(verifier: Verifier, token: str) -> InvalidToken | None:
    """Why ``verifier`` refuses ``token``, or None when it accepts it."""
    try:
        verifier.verify(token)
    except InvalidToken as error:
        return error
    return None


def refusal_code(verifier: Verifier, token: str) -> str | None:
    """The reason code ``verifier`` refuses ``token`` with, or None when it accepts it."""
    error = refusal(verifier, token)
    return None if error is None else error.code


def open_document(
    *,
    serial: int = 1,
    tiers: dict[str, dict[str, Any]] | None = None,
    users: dict[str, int] | None = None,
    jtis: dict[str, int] | None = None,
    iat: int = NOW - 10,
    exp: int | None = None,
) -> dict[str, Any]:
    """A revocation document payload; by default the test tier is open at epoch 1,
    signed ten seconds before ``NOW`` and valid for ``DOCUMENT_TTL`` seconds."""
    return revocations_payload(
        issuer=ISSUER,
        serial=serial,
        iat=iat,
        tiers={AUDIENCE: {"state": "open", "epoch": 1}} if tiers is None else tiers,
        users=users,
        jtis=jtis,
        exp=exp,
    )


class Clock:
    """A clock the test moves by hand; every time decision in the verifier reads it."""

    def __init__(self, now: float = NOW) -> None:
        self.now = float(now)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


Conditional = Literal["honest", "replay", "always_304"]


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass
class Resource:
    body: bytes = b""
    status: int = 200
    error: Exception | None = None
    # How it answers: "honest" (304 only when If-None-Match matches the ETag), "replay"
    # (ignores If-None-Match: 200 with the same body every time, as a recording would)
    # or "always_304" (304 to every request, as a broken or hostile cache might).
    conditional: Conditional = "honest"

    def answer(self, if_none_match: str | None) -> tuple[int, bytes, str | None]:
        if self.status != 200:
            return self.status, b"oops", None
        if self.conditional == "always_304" or (
            self.conditional == "honest" and if_none_match == self.etag
        ):
            return 304, b"", if_none_match or self.etag
        return 200, self.body, self.etag

    @property
    def etag(self) -> str:
        return etag_for(self.body)


@dataclass
class MemoryFetch:
    """The verifier's HTTP seam answered from memory, with ETags and 304s like the service."""

    resources: dict[str, Resource] = field(default_factory=dict)
    calls: list[tuple[str, str | None]] = field(default_factory=list)

    def publish(self, url: str, body: bytes | str) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.resources[url] = Resource(body=data)

    def fail(self, url: str, *, status: int = 503, error: Exception | None = None) -> None:
        resource = self.resources.setdefault(url, Resource())
        resource.status, resource.error = status, error

    def calls_to(self, url: str) -> int:
        return sum(1 for called, _ in self.calls if called == url)

    def __call__(self, url: str, if_none_match: str | None) -> HttpResponse:
        self.calls.append((url, if_none_match))
        resource = self.resources.get(url)
        if resource is None:
            return HttpResponse(404, b"", None)
        if resource.error is not None:
            raise resource.error
        if resource.status != 200:
            return HttpResponse(resource.status, b"", None)
        if if_none_match == resource.etag:
            return HttpResponse(304, b"", resource.etag)
        return HttpResponse(200, resource.body, resource.etag)


class IssuerServer:
    """A real HTTP server publishing a JWKS and a revocation document, as the service does."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {
            JWKS_PATH: Resource(),
            REVOCATIONS_PATH: Resource(),
        }
        self.requests: list[tuple[str, str | None, int]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server.lock:
                    resource = server.resources.get(self.path)
                    inm = self.headers.get("If-None-Match")
                    if resource is None:
                        status, body, etag = 404, b"", None
                    else:
                        status, body, etag = resource.answer(inm)
                    server.requests.append((self.path, inm, status))
                self.send_response(status)
                if etag is not None:
                    self.send_header("ETag", etag)
                if self.path == REVOCATIONS_PATH:
                    self.send_header("Content-Type", "application/jwt")
                else:
                    self.send_header("Content-Type", "application/json")
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def jwks_url(self) -> str:
        return self.base_url + JWKS_PATH

    @property
    def revocations_url(self) -> str:
        return self.base_url + REVOCATIONS_PATH

    def publish(self, path: str, body: bytes | str) -> None:
        """Serve ``body`` at ``path`` from now on, answering conditionals as before."""
        with self.lock:
            previous = self.resources.get(path)
            self.resources[path] = Resource(
                body=body.encode() if isinstance(body, str) else body,
                conditional=previous.conditional if previous is not None else "honest",
            )

    def fail(self, path: str, status: int = 500) -> None:
        with self.lock:
            self.resources[path].status = status

    def answer_conditionals(self, path: str, how: Conditional) -> None:
        """``"honest"``, ``"replay"`` or ``"always_304"``: see ``Resource.conditional``."""
        with self.lock:
            self.resources[path].conditional = how

    def count(self, path: str, status: int | None = None) -> int:
        with self.lock:
            return sum(1 for p, _, s in self.requests if p == path and status in (None, s))


@contextmanager
def issuer_server() -> Iterator[IssuerServer]:
    server = IssuerServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join(timeout=5)
