"""A toy model API that serves a fake completion only to holders of a valid token.

    IDV_URL=http://127.0.0.1:8000 MODEL_TIER=fable-5 python examples/model_api/app.py --port 8001

IDV_URL is where the service answers; the issuer, key set and revocation document
addresses come from its metadata (``/.well-known/idverify``), so they always match
what its tokens carry. IDV_ISSUER, IDV_JWKS_URL and IDV_REVOCATIONS_URL, when set,
take precedence (for a service that publishes no metadata, e.g. demo_issuer.py).

Everything about entitlement is the verifier's job: the route handler only reads the
verified claims the middleware put in the WSGI environ.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any
from wsgiref.simple_server import make_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from idverify_verifier import Claims, Verifier
from idverify_verifier.middleware import CLAIMS_KEY, WSGIMiddleware

MAX_BODY_BYTES = 64 * 1024


def _json(start_response: StartResponse, status: int, body: Mapping[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _error(start_response: StartResponse, status: int, code: str, message: str) -> list[bytes]:
    return _json(start_response, status, {"error": {"code": code, "message": message}})


def _read_prompt(environ: WSGIEnvironment) -> str | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY_BYTES:
        return None
    try:
        body = json.loads(environ["wsgi.input"].read(length))
    except (ValueError, UnicodeDecodeError):
        return None
    prompt = body.get("prompt") if isinstance(body, dict) else None
    return prompt if isinstance(prompt, str) and prompt else None


def make_app(verifier: Verifier) -> WSGIApplication:
    """The model API: POST /v1/completions behind the token check; GET /healthz open."""

    def routes(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz":
            status = verifier.status()
            ready = status.jwks_loaded and status.fresh
            return _json(start_response, 200 if ready else 503, {"ready": ready})
        if path != "/v1/completions":
            return _error(start_response, 404, "not_found", "no such endpoint")
        if method != "POST":
            return _error(start_response, 405, "method_not_allowed", "use POST")
        prompt = _read_prompt(environ)
        if prompt is None:
            return _error(
                start_response,
                400,
                "invalid_request",
                f'send a JSON body {{"prompt": "..."}} of at most {MAX_BODY_BYTES} bytes',
            )
        claims: Claims = environ[CLAIMS_KEY]
        return _json(
            start_response,
            200,
            {
                "id": f"cmpl-{uuid.uuid4().hex[:12]}",
                "model": claims.aud,
                "choices": [{"index": 0, "text": f"(a fake completion of {len(prompt)} chars)"}],
                "entitlement": {"sub": claims.sub, "jti": claims.jti, "level": claims.usp.level},
            },
        )

    return WSGIMiddleware(routes, verifier, exempt_paths={"/healthz"})


METADATA_PATH = "/.well-known/idverify"


def service_metadata(url: str, *, timeout: float = 10.0) -> dict[str, str]:
    """The issuer and the addresses a verifier needs, as the service publishes them."""
    address = url.rstrip("/") + METADATA_PATH
    try:
        with urllib.request.urlopen(address, timeout=timeout) as response:  # noqa: S310
            document = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise ValueError(f"cannot read the service's metadata at {address}: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("issuer"), str):
        raise ValueError(f"{address} is not idverify metadata (no issuer)")
    return {
        "IDV_ISSUER": document["issuer"],
        "IDV_JWKS_URL": str(document.get("jwks_uri") or ""),
        "IDV_REVOCATIONS_URL": str(document.get("revocation_document_endpoint") or ""),
    }


def verifier_from_env(environ: Mapping[str, str]) -> Verifier:
    """Build the verifier from IDV_URL (the service's metadata) and MODEL_TIER; IDV_ISSUER,
    IDV_JWKS_URL and IDV_REVOCATIONS_URL override what the metadata says."""
    settings = {name: value for name, value in environ.items() if value}
    if settings.get("IDV_URL"):
        settings = {**service_metadata(settings["IDV_URL"]), **settings}
    if not settings.get("MODEL_TIER"):
        raise ValueError(
            "set MODEL_TIER, the tier this API serves, e.g. fable-5 (see "
            "examples/model_api/README.md)"
        )
    if not (settings.get("IDV_ISSUER") and settings.get("IDV_JWKS_URL")):
        raise ValueError(
            "set IDV_URL, the service's address, e.g. http://127.0.0.1:8000 (or IDV_ISSUER "
            "and IDV_JWKS_URL; see examples/model_api/README.md)"
        )
    return Verifier(
        issuer=settings["IDV_ISSUER"],
        audience=settings["MODEL_TIER"],
        jwks_url=settings["IDV_JWKS_URL"],
        revocations_url=settings.get("IDV_REVOCATIONS_URL") or None,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    try:
        verifier = verifier_from_env(os.environ)
    except ValueError as error:
        print(f"model_api: {error}", file=sys.stderr)  # noqa: T201 - a command-line program
        return 2
    status = verifier.start()
    print(  # noqa: T201
        f"model_api: serving {verifier.audience} on http://{args.host}:{args.port}/v1/completions"
        f" (keys {', '.join(status.kids) or 'none yet'}, revocation serial"
        f" {status.revocations_serial})",
        file=sys.stderr,
    )
    with (
        verifier,
        make_server(args.host, args.port, make_app(verifier)) as server,
        contextlib.suppress(KeyboardInterrupt),
    ):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
