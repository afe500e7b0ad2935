"""The SCIM resources this service serves, as scim2-models classes.

Only what the service keeps is declared, so the ``Schemas`` endpoint tells an
IdP exactly which attributes round-trip: the core ``User`` attributes
``userName``, ``name``, ``displayName``, ``emails``, ``active`` and
``externalId``, the enterprise extension's ``employeeNumber`` and
``department``, and ``Group`` with ``displayName`` and ``members``. Attributes
the RFCs define that we do not keep are dropped before validation
(``scim.protocol.quirks``); anything else is refused as unknown.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import EmailStr, Field
from scim2_models import (
    URN,
    ComplexAttribute,
    Extension,
    GroupMember,
    Required,
    Resource,
    Uniqueness,
)

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


class Name(ComplexAttribute):
    formatted: str | None = Field(None, max_length=256)
    family_name: str | None = Field(None, max_length=150)
    given_name: str | None = Field(None, max_length=150)


class Email(ComplexAttribute):
    value: EmailStr | None = None
    type: str | None = Field(None, max_length=256)
    primary: bool | None = None


class User(Resource[Any]):
    __schema__ = URN(USER_SCHEMA)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = Field(
        None, min_length=1, max_length=256
    )
    name: Name | None = None
    Name: ClassVar[type[ComplexAttribute]] = Name
    display_name: str | None = Field(None, max_length=256)
    active: bool | None = None
    emails: list[Email] | None = Field(None, max_length=20)
    Emails: ClassVar[type[ComplexAttribute]] = Email


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE_SCHEMA)

    employee_number: str | None = Field(None, max_length=64)
    department: str | None = Field(None, max_length=150)


class Group(Resource[Any]):
    __schema__ = URN(GROUP_SCHEMA)

    display_name: Annotated[str | None, Required.true] = Field(None, min_length=1, max_length=256)
    members: list[GroupMember] | None = None
    Members: ClassVar[type[ComplexAttribute]] = GroupMember


ScimUserResource = User[EnterpriseUser]  # type: ignore[type-arg]
