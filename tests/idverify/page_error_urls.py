"""The site's URLs plus a page and a plain view on an API path that raise each kind of
domain error, to see what people and programs get when a view lets one through."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import path

from idverify.errors import (
    Conflict,
    DomainError,
    EntitlementDenied,
    NotFound,
    PermissionDenied,
    SelfApproval,
    Unavailable,
    ValidationFailed,
)
from idverify.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

REFUSAL = {"code": "level.too_low", "message": "Fable 5 needs verification level 2."}

ERRORS: dict[str, Callable[[], DomainError]] = {
    "not-found": lambda: NotFound("No such thing."),
    "permission-denied": lambda: PermissionDenied("Only officers may look."),
    "self-approval": SelfApproval,
    "unavailable": lambda: Unavailable("The vendor cannot be reached just now."),
    "invalid": lambda: ValidationFailed("That date is in the future."),
    "conflict": lambda: Conflict("Someone else decided this a moment ago."),
    "entitlement-denied": lambda: EntitlementDenied([REFUSAL]),
}


def raising(request: HttpRequest, kind: str) -> HttpResponse:
    raise ERRORS[kind]()


urlpatterns = [
    path("raises/<str:kind>/", raising),
    path("api/v1/raises/<str:kind>", raising),
    *urlpatterns,
]
