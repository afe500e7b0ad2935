"""How the OpenAPI schema describes the model API clients' authentication."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ModelClientAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "entitlements.authentication.ModelClientAuthentication"
    name = "modelClient"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "basic",
            "description": "Model API client credentials from `manage.py create_model_client` "
            "(or client_id and client_secret form fields).",
        }
