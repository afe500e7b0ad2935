from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_access_logs_are_json_lines_carrying_the_request_id(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    from idverify.logging import JsonFormatter

    with caplog.at_level(logging.INFO, logger="idverify.access"):
        response = client.get("/healthz?token=do-not-log-me")
    record = next(r for r in caplog.records if r.name == "idverify.access")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response["X-Request-ID"]
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert "do-not-log-me" not in json.dumps(line)


def test_bearer_keys_never_reach_the_logs(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    key = "idv_pat_" + "Z" * 36
    with caplog.at_level(logging.DEBUG):
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert key not in caplog.text


def test_the_openapi_schema_lists_the_api(client: Client) -> None:
    response = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/api-keys" in schema["paths"]
    assert "/api/v1/me" in schema["paths"]


def test_the_schema_generates_without_a_warning(tmp_path: Path) -> None:
    # A warning here means a wrong schema: a view it cannot describe, an unknown
    # authenticator, or two serializers sharing one component name.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


def test_each_view_s_serializers_are_their_own_components(client: Client) -> None:
    response = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    schema = json.loads(response.content)

    def body(path: str, method: str, status: str) -> str:
        content = schema["paths"][path][method]["responses"][status]["content"]
        ref: str = content["application/json"]["schema"]["$ref"]
        return ref.rsplit("/", 1)[-1]

    assert body("/api/v1/me", "get", "200") == "MeOutput"
    assert body("/api/v1/attestations/current", "get", "200") == "AttestationOutput"
    me = schema["components"]["schemas"]["MeOutput"]["properties"]
    assert "email" in me
    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "idv_pat_...",
        "description": schemes["apiKey"]["description"],
    }
    assert schemes["modelClient"]["scheme"] == "basic"
    assert {"apiKey": []} in schema["paths"]["/api/v1/tokens"]["post"]["security"]


def test_component_names_carry_the_view_they_belong_to() -> None:
    from idverify.openapi import component_name

    class OutputSerializer:
        pass

    class TopLevelSerializer:
        pass

    OutputSerializer.__qualname__ = "MeApi.OutputSerializer"
    TopLevelSerializer.__qualname__ = "TokenSerializer"
    assert component_name(OutputSerializer) == "MeOutput"
    assert component_name(TopLevelSerializer) == "Token"


def test_the_docs_page_is_served_from_our_own_static_files(client: Client) -> None:
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
