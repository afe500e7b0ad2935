"""SCIM's domain errors. Each has a stable code; the protocol layer maps them onto
SCIM error responses (``scimType``), the web pages show their messages."""

from __future__ import annotations

from idverify.errors import Conflict, DomainError


class UserNameTaken(Conflict):
    code = "uniqueness"
    default_message = "Another person of this organisation already has that userName."


class VersionMismatch(DomainError):
    code = "precondition_failed"
    status = 412
    default_message = "The resource changed since that version; read it again."
