"""The example model API serves completions only to tokens for its own tier."""

from __future__ import annotations

import importlib.util
import io
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier import Verifier
from idverify_verifier.testing import TokenFactory, jwks, revocation_document
from idverify_verifier.testing.doubles import (
    AUDIENCE,
    ISSUER,
    JWKS_PATH,
    KID,
    REVOCATIONS_PATH,
    IssuerServer,
    open_document,
)

APP_PATH = Path(__file__).resolve().parents[2] / "examples" / "model_api" / "app.py"
pytestmark = pytest.mark.skipif(not APP_PATH.exists(), reason="outside the idverify repository")


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("model_api_example", APP_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call(
    example: ModuleType,
    verifier: Verifier,
    *,
    method: str = "POST",
    path: str = "/v1/completions",
    token: str | None = None,
    body: bytes = b'{"prompt": "hello"}',
) -> tuple[int, dict[str, Any]]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    if token is not None:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    seen: list[str] = []
    chunks = example.make_app(verifier)(environ, lambda status, headers: seen.append(status))
    return int(seen[0].split()[0]), json.loads(b"".join(chunks))


def test_a_valid_token_for_the_tier_gets_a_completion(
    example: ModuleType, verifier: Verifier, factory: TokenFactory
) -> None:
    status, body = call(example, verifier, token=factory.mint())
    assert status == 200
    assert body["model"] == AUDIENCE
    assert body["entitlement"]["sub"] == factory.claims()["sub"]


def test_a_token_for_another_tier_gets_nothing(
    example: ModuleType, verifier: Verifier, factory: TokenFactory
) -> None:
    status, body = call(example, verifier, token=factory.mint(aud="mythos-5"))
    assert (status, body["error"]["code"]) == (401, "claims.aud")


def test_no_token_gets_nothing(example: ModuleType, verifier: Verifier) -> None:
    assert call(example, verifier)[0] == 401


@pytest.mark.parametrize("body", [b"", b"not json", b'{"prompt": 3}', b"[]"])
def test_a_bad_request_body_is_explained(
    example: ModuleType, verifier: Verifier, factory: TokenFactory, body: bytes
) -> None:
    status, answer = call(example, verifier, token=factory.mint(), body=body)
    assert (status, answer["error"]["code"]) == (400, "invalid_request")


def test_health_needs_no_token_and_reports_readiness(
    example: ModuleType, verifier: Verifier
) -> None:
    assert call(example, verifier, method="GET", path="/healthz") == (200, {"ready": True})


def test_the_configuration_comes_from_the_environment(example: ModuleType) -> None:
    with pytest.raises(ValueError, match="set MODEL_TIER"):
        example.verifier_from_env({"IDV_ISSUER": ISSUER})
    with pytest.raises(ValueError, match="set IDV_URL, the service's address"):
        example.verifier_from_env({"IDV_ISSUER": ISSUER, "MODEL_TIER": "mythos-5"})
    verifier = example.verifier_from_env(
        {"IDV_ISSUER": ISSUER, "IDV_JWKS_URL": ISSUER + JWKS_PATH, "MODEL_TIER": "mythos-5"}
    )
    assert (verifier.issuer, verifier.audience) == (ISSUER, "mythos-5")


def test_the_issuer_and_addresses_come_from_the_services_metadata(
    example: ModuleType, server: IssuerServer
) -> None:
    # The issuer is what the service says it is, not what its address looks like.
    server.publish(
        "/.well-known/idverify",
        json.dumps(
            {
                "issuer": "https://idverify.example",
                "jwks_uri": server.jwks_url,
                "revocation_document_endpoint": server.revocations_url,
            }
        ),
    )
    verifier = example.verifier_from_env({"IDV_URL": server.base_url, "MODEL_TIER": AUDIENCE})
    assert verifier.issuer == "https://idverify.example"
    # An explicit setting still wins.
    verifier = example.verifier_from_env(
        {"IDV_URL": server.base_url, "IDV_ISSUER": ISSUER, "MODEL_TIER": AUDIENCE}
    )
    assert verifier.issuer == ISSUER


def test_a_service_without_metadata_is_a_clear_error(
    example: ModuleType, server: IssuerServer
) -> None:
    with pytest.raises(ValueError, match="cannot read the service's metadata at http"):
        example.verifier_from_env({"IDV_URL": server.base_url, "MODEL_TIER": AUDIENCE})


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def running_model_api(
    example: ModuleType, server: IssuerServer, key: Ed25519PrivateKey
) -> Iterator[str]:
    """The example served over HTTP, verifying against a live issuer with the wall clock."""
    server.publish(JWKS_PATH, json.dumps(jwks((key, KID))))
    document = open_document(iat=int(time.time()))
    server.publish(REVOCATIONS_PATH, revocation_document(key, KID, document))
    verifier = example.verifier_from_env(
        {
            "IDV_ISSUER": ISSUER,
            "IDV_JWKS_URL": server.jwks_url,
            "IDV_REVOCATIONS_URL": server.revocations_url,
            "MODEL_TIER": AUDIENCE,
        }
    )
    httpd = make_server("127.0.0.1", 0, example.make_app(verifier), handler_class=QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
        verifier.close()


def test_the_example_serves_over_http(running_model_api: str, key: Ed25519PrivateKey) -> None:
    token = TokenFactory(
        key=key, kid=KID, issuer=ISSUER, audience=AUDIENCE, now=int(time.time())
    ).mint()
    request = urllib.request.Request(  # noqa: S310 - a local test server
        running_model_api + "/v1/completions",
        data=b'{"prompt": "hi"}',
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - local test server
        assert json.loads(response.read())["model"] == AUDIENCE
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(running_model_api + "/v1/completions", data=b"{}", timeout=5)  # noqa: S310
    assert refused.value.code == 401
