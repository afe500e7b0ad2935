"""Assertions for API responses (Django test client, DRF APIClient or live HTTP)."""

from __future__ import annotations

from typing import Any


def json_body(response: Any) -> Any:
    content_type = response.get("Content-Type", "")
    assert content_type.startswith("application/json"), (
        f"expected JSON, got {content_type!r}: {response.content[:200]!r}"
    )
    import json

    return json.loads(response.content)


def assert_api_error(
    response: Any, status: int, code: str, *, field: str | None = None
) -> dict[str, Any]:
    """The response is an API error of the one shape, with this status and code."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.content[:300]!r}"
    )
    body = json_body(response)
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str), error
    assert error["message"].strip(), error
    if field is not None:
        assert field in error.get("fields", {}), error
        assert all(isinstance(m, str) and m for m in error["fields"][field]), error
    return dict(error)
