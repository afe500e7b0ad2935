"""How the OpenAPI schema names things, and which error answers it lists.

Names: the APIs declare their serializers inside the view
(``MeApi.OutputSerializer``), so the bare class names repeat from view to view.
Left to the default, every ``OutputSerializer`` would become one ``Output``
component and the schema would describe most responses wrongly; here the
view's name is part of the component's (``MeOutput``,
``AttestationCreateInputRequest``).

Errors: every API error has one body (``idverify.api_errors``), published once
as the ``Error`` component, and each error status once as a shared response
(``#/components/responses/NotFound``...). Each operation lists the statuses it
can answer. Most follow from how its view is built, and are added here so a new
view cannot forget them:

- 401 and 429 where the view reads credentials (a wrong one is refused, and
  repeated failures are told to wait), 429 also where a throttle applies;
- 403 where a browser session is accepted (CSRF on writes; a rule may refuse);
- 404 where the path names something; 400, 413 and 415 where there is a body;
- 406 everywhere: every view negotiates the media type it answers in.

What only a view's own services can say (a 409 from a state rule, a 404 with
no id in the path, a 503) it declares with :class:`ApiError` in its
``extend_schema`` responses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import uritemplate
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework.authentication import SessionAuthentication

ERROR = "Error"
ENTITLEMENT_DENIED = "EntitlementDenied"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _response_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


_MESSAGES = {"type": "array", "items": {"type": "string"}}

# The error shapes, one component each.
ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "Every API error: a stable code to branch on and a sentence for people.",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "Stable and machine-readable, e.g. invalid, not_found, "
                        "permission_denied, conflict, throttled.",
                    },
                    "message": {"type": "string", "description": "What is wrong, in words."},
                    "fields": {
                        "type": "object",
                        "description": "For invalid input: the messages for each field "
                        "(non_field_errors for the request as a whole).",
                        "additionalProperties": _MESSAGES,
                    },
                    "retry_after": {
                        "type": "integer",
                        "nullable": True,
                        "description": "For throttled: seconds to wait.",
                    },
                },
                # Some errors carry more, e.g. the page that fixes the problem.
                "additionalProperties": True,
            }
        },
    },
    ENTITLEMENT_DENIED: {
        "type": "object",
        "description": "A token refused by the entitlement decision: every reason, each with "
        "a stable code and a sentence.",
        "required": ["error", "reasons"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "enum": ["entitlement_denied"]},
                    "message": {"type": "string", "description": "The reasons, in words."},
                },
            },
            "reasons": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "url": {
                            "type": "string",
                            "format": "uri",
                            "description": "The web page where the person takes the step "
                            "the message names.",
                        },
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class _Shared:
    name: str
    description: str
    headers: dict[str, Any] = field(default_factory=dict)


def _header(description: str, *, required: bool) -> dict[str, Any]:
    return {"schema": {"type": "string"}, "required": required, "description": description}


SHARED_RESPONSES: dict[int, _Shared] = {
    400: _Shared(
        "BadRequest",
        "The request is not valid: `invalid` with the messages per field, or "
        "`malformed_request` for a body that cannot be parsed.",
    ),
    401: _Shared(
        "Unauthorized",
        "No credentials, or credentials that are not valid, expired or revoked "
        "(`not_authenticated`, `authentication_failed`).",
        {"WWW-Authenticate": _header("The scheme to authenticate with.", required=True)},
    ),
    403: _Shared(
        "Forbidden",
        "Not allowed: the caller may not do this (`permission_denied`, `self_approval`), "
        "or a browser session lacks what the act needs (its CSRF token, a second factor).",
    ),
    404: _Shared(
        "NotFound",
        "No such thing, or one the caller may not see (`not_found`); the two are not told apart.",
    ),
    406: _Shared(
        "NotAcceptable",
        "The Accept header names no media type this operation answers in (`not_acceptable`).",
    ),
    409: _Shared(
        "Conflict",
        "The current state does not allow this (`conflict` or a more specific code); the "
        "message says what to do first.",
    ),
    413: _Shared(
        "RequestTooLarge",
        "The body is larger than the server accepts (`request_too_large`, over "
        "IDV_MAX_REQUEST_BYTES) or than this upload allows (`file_too_large`).",
    ),
    415: _Shared(
        "UnsupportedMediaType",
        "The body's Content-Type is not one this operation reads (`unsupported_media_type`).",
    ),
    429: _Shared(
        "TooManyRequests",
        "Too many requests, or too many failed credentials, from this client (`throttled`).",
        {"Retry-After": _header("Seconds to wait before trying again.", required=False)},
    ),
    503: _Shared(
        "ServiceUnavailable",
        "Something this depends on is unavailable for now (`unavailable`); try again shortly.",
    ),
}


class ApiError(OpenApiResponse):
    """An error status a view declares in ``extend_schema(responses=...)``.

    Without a description it is the shared response for its status; with one, it
    says what this operation means by the status, with the same body. ``shapes``
    names other error components the body may take instead (e.g. the token
    refusal's ``EntitlementDenied``).
    """

    def __init__(self, description: str = "", *, shapes: Sequence[str] = (ERROR,)) -> None:
        super().__init__(response=None, description=description)
        self.shapes = tuple(shapes)


def component_name(serializer_class: type[Any]) -> str:
    """``MeApi.OutputSerializer`` -> ``MeOutput``; a top-level serializer keeps its name."""
    *outer, inner = serializer_class.__qualname__.split(".")
    inner = inner.removesuffix("Serializer")
    if not outer:
        return inner
    view = outer[-1].removesuffix("Api").removesuffix("View")
    return f"{view}{inner}"


class AutoSchema(BaseAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        name = component_name(type(serializer))
        # drf-spectacular appends "Request" to request bodies; don't say it twice.
        return name.removesuffix("Request") if direction == "request" else name

    def _get_format_parameters(self) -> list[dict[str, Any]]:
        # Each operation answers in one media type whatever ?format= says, so the
        # parameter would only invite clients to rely on it.
        return []

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # extend_schema overrides get_response_serializers in a subclass it makes per
        # view, so the declared errors are picked out of its answer here.
        declared = self.get_response_serializers()
        errors: dict[int, ApiError] = {}
        if isinstance(declared, dict):
            errors = {int(c): r for c, r in declared.items() if isinstance(r, ApiError)}
        for status, error in errors.items():
            responses[str(status)] = self._error_response(status, error)
        for status in self._inferred_errors():
            responses.setdefault(str(status), self._error_response(status, None))
        return dict(sorted(responses.items()))

    def _inferred_errors(self) -> set[int]:
        authenticators = self.view.get_authenticators()
        errors = {406}
        if authenticators:
            errors |= {401, 429}
        if any(isinstance(a, SessionAuthentication) for a in authenticators):
            errors.add(403)
        if self.view.get_throttles():
            errors.add(429)
        if uritemplate.variables(self.path):
            errors.add(404)
        if self.method in _BODY_METHODS:
            errors.add(413)
            if self.get_request_serializer() is not None:
                errors |= {400, 415}
        return errors

    def _error_response(self, status: int, declared: ApiError | None) -> dict[str, Any]:
        self._register_error_components()
        shared = SHARED_RESPONSES[status]
        shapes = declared.shapes if declared is not None else (ERROR,)
        if declared is None or (not declared.description and shapes == (ERROR,)):
            return _response_ref(shared.name)
        refs = [schema_ref(name) for name in shapes]
        body: dict[str, Any] = {"anyOf": refs} if len(refs) > 1 else dict(refs[0])
        return _response(shared, str(declared.description) or shared.description, body)

    def _register_error_components(self) -> None:
        components = [
            ResolvedComponent(name, ResolvedComponent.SCHEMA, schema=schema, object=name)  # type: ignore[no-untyped-call]
            for name, schema in ERROR_SCHEMAS.items()
        ] + [
            ResolvedComponent(  # type: ignore[no-untyped-call]
                shared.name,
                ResolvedComponent.RESPONSE,
                schema=_response(shared, shared.description, schema_ref(ERROR)),
                object=shared.name,
            )
            for shared in SHARED_RESPONSES.values()
        ]
        for component in components:
            self.registry.register_on_missing(component)


def _response(shared: _Shared, description: str, body: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": body}},
    }
    if shared.headers:
        response["headers"] = shared.headers
    return response
