"""How the OpenAPI schema describes personal access tokens."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "accounts.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "idv_pat_...",
            "description": "A personal access token from the account page or "
            "`manage.py create_api_key EMAIL`: `Authorization: Bearer idv_pat_...`.",
        }
