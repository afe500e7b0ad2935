"""Domain errors: one class per kind of failure, each with a stable code.

Services and views raise these. The API's exception handler (``idverify.api_errors``)
and the page mapping (``idverify.page_errors``) turn them into answers; a form shows
one beside its field (``idverify.forms.apply_domain_error``). ``code`` is part of the
API contract: clients branch on it, so a code once published does not change meaning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400
    default_message: ClassVar[str] = "The request could not be completed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.instance_code = code or self.code
        self.fields = {k: list(v) for k, v in (fields or {}).items()}
        self.extra = dict(extra or {})
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.instance_code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        return body


class ValidationFailed(DomainError):
    code = "invalid"
    status = 400
    default_message = "Some of the values given are not valid."


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = "Not found."


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = "You do not have permission to do this."


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = "This conflicts with the current state; reload and try again."


class Unavailable(DomainError):
    code = "unavailable"
    status = 503
    default_message = "A service this depends on is unavailable; try again shortly."


class SelfApproval(PermissionDenied):
    """Someone tried to approve, verify, sponsor or restore themselves (or their own
    organisation): every such act needs a second person."""

    code = "self_approval"
    status = 403
    default_message = "You cannot approve your own case; another person must do it."


class EntitlementDenied(PermissionDenied):
    """The entitlement decision refused a token; ``reasons`` says why, each with a stable code
    and a sentence (``Reason.as_api_dict``). The API answers them beside the error
    (``EntitlementDenied`` in the OpenAPI schema); the message is their sentences joined."""

    code = "entitlement_denied"
    status = 403
    default_message = "No token: the entitlement decision refused it."

    def __init__(self, reasons: Sequence[Mapping[str, str]]) -> None:
        self.reasons = [dict(reason) for reason in reasons]
        super().__init__(" ".join(reason["message"] for reason in self.reasons))
