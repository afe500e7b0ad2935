"""scim2-server's storage, backed by the database and scoped to one organisation.

scim2-server does the protocol (routing, validation, PATCH, filters' syntax,
ETags and the error responses); this class reads and writes one
organisation's SCIM records through ``scim.services``, which own the
transactions and the audit log. Every query starts from the token's
organisation, so no id of another organisation is ever found: its answer is
the same 404 as for an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast
from uuid import UUID

from django.db.models import QuerySet
from scim2_models import (
    ConflictException,
    ForbiddenException,
    GroupMember,
    InvalidValueException,
    Meta,
    NotFoundException,
    NotImplementedException,
    PreconditionFailedException,
    Resource,
    ResourceType,
    ResponseParameters,
    SearchRequest,
    UniquenessException,
)
from scim2_server.storage import ScimStorage, SearchPage

from idverify.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from scim.errors import UserNameTaken, VersionMismatch
from scim.models import ScimGroup, ScimGroupMember, ScimToken, ScimUser
from scim.protocol.filters import GROUP_COLUMNS, USER_COLUMNS, to_q
from scim.protocol.resources import Email, EnterpriseUser, Group, Name, ScimUserResource
from scim.services.groups import (
    GroupData,
    scim_group_create,
    scim_group_delete,
    scim_group_replace,
)
from scim.services.users import UserData, scim_user_create, scim_user_delete, scim_user_replace


def etag(version: int) -> str:
    return f'W/"{version}"'


def version_of(tag: str | None) -> int | None:
    if not tag:
        return None
    digits = tag.removeprefix("W/").strip('"')
    try:
        return int(digits)
    except ValueError:
        return -1  # a version we never issued: it matches nothing


@contextmanager
def scim_errors() -> Iterator[None]:
    """Domain errors as SCIM errors (``scimType`` where SCIM defines one)."""
    try:
        yield
    except UserNameTaken as error:
        raise UniquenessException(detail=error.message) from None
    except VersionMismatch as error:
        raise PreconditionFailedException(detail=error.message) from None
    except NotFound as error:
        raise NotFoundException(detail=error.message) from None
    except ValidationFailed as error:
        details = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.fields.items())
        raise InvalidValueException(detail=details or error.message) from None
    except PermissionDenied as error:
        raise ForbiddenException(detail=error.message) from None
    except Conflict as error:
        raise ConflictException(detail=error.message) from None
    except DomainError as error:
        raise InvalidValueException(detail=error.message) from None


def _uuid(resource_id: str) -> UUID:
    try:
        return UUID(resource_id)
    except ValueError:
        raise NotFoundException(detail="No such resource in this organisation.") from None


def user_resource(record: ScimUser) -> Resource[Any]:
    name = None
    if record.formatted_name or record.given_name or record.family_name:
        name = Name(
            formatted=record.formatted_name or None,
            given_name=record.given_name or None,
            family_name=record.family_name or None,
        )
    resource = ScimUserResource(
        id=str(record.public_id),
        external_id=record.external_id or None,
        meta=Meta(
            resource_type="User",
            created=record.created_at,
            last_modified=record.updated_at,
            version=etag(record.version),
        ),
        user_name=record.user_name,
        name=name,
        display_name=record.display_name or None,
        active=record.active,
        emails=[Email.model_validate(e) for e in record.emails] or None,
    )
    if record.employee_number or record.department:
        resource[EnterpriseUser] = EnterpriseUser(
            employee_number=record.employee_number or None,
            department=record.department or None,
        )
    return cast(Resource[Any], resource)


def user_data(resource: Resource[Any]) -> UserData:
    name = getattr(resource, "name", None)
    extension = resource[EnterpriseUser]
    emails = []
    for email in getattr(resource, "emails", None) or []:
        entry = {"value": str(email.value) if email.value else None, "type": email.type}
        if email.primary is not None:
            entry["primary"] = email.primary
        emails.append({k: v for k, v in entry.items() if v is not None})
    active = getattr(resource, "active", None)
    return UserData(
        user_name=str(getattr(resource, "user_name", "") or ""),
        external_id=resource.external_id or "",
        display_name=getattr(resource, "display_name", None) or "",
        formatted_name=(name.formatted if name else None) or "",
        given_name=(name.given_name if name else None) or "",
        family_name=(name.family_name if name else None) or "",
        emails=emails,
        employee_number=(extension.employee_number if extension else None) or "",
        department=(extension.department if extension else None) or "",
        active=None if active is None else bool(active),
    )


def group_resource(group: ScimGroup, *, with_members: bool = True) -> Resource[Any]:
    members = None
    if with_members:
        rows = (
            ScimGroupMember.objects.filter(group=group)
            .order_by("id")
            .values_list("scim_user__public_id", "display")
        )
        members = [
            GroupMember.model_validate(
                {
                    "value": str(pid),
                    "$ref": f"Users/{pid}",
                    "type": "User",
                    "display": label or None,
                }
            )
            for pid, label in rows
        ] or None
    return Group(
        id=str(group.public_id),
        external_id=group.external_id or None,
        meta=Meta(
            resource_type="Group",
            created=group.created_at,
            last_modified=group.updated_at,
            version=etag(group.version),
        ),
        display_name=group.display_name,
        members=members,
    )


def group_data(resource: Resource[Any]) -> GroupData:
    members = getattr(resource, "members", None) or []
    return GroupData(
        display_name=str(getattr(resource, "display_name", "") or ""),
        external_id=resource.external_id or "",
        members={str(m.value): (m.display or "")[:256] for m in members if m.value},
    )


def _wants_members(parameters: ResponseParameters[Any] | None) -> bool:
    if parameters is None:
        return True
    excluded = [str(a).lower() for a in parameters.excluded_attributes or []]
    if any(a.endswith("members") or ":members" in a for a in excluded):
        return False
    attributes = [str(a).lower() for a in parameters.attributes or []]
    return not attributes or any("members" in a for a in attributes)


class OrganizationStorage(ScimStorage):
    """The SCIM records of the token's organisation."""

    def __init__(self, token: ScimToken) -> None:
        self.token = token
        self.organization = token.organization

    def _users(self) -> QuerySet[ScimUser]:
        return ScimUser.objects.filter(organization=self.organization)

    def _groups(self) -> QuerySet[ScimGroup]:
        return ScimGroup.objects.filter(organization=self.organization)

    def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> Resource[Any]:
        wanted = _uuid(resource_id)
        if resource_type.name == "User":
            record = self._users().filter(public_id=wanted).first()
            if record is None:
                raise NotFoundException(detail="No such user in this organisation.")
            return user_resource(record)
        group = self._groups().filter(public_id=wanted).first()
        if group is None:
            raise NotFoundException(detail="No such group in this organisation.")
        return group_resource(group, with_members=_wants_members(response_parameters))

    def search(
        self,
        resource_types: list[ResourceType],
        search_request: SearchRequest[Any],
        *,
        position: Any = None,
    ) -> SearchPage:
        if len(resource_types) != 1:
            raise NotImplementedException(detail="Search /Users or /Groups, not the root.")
        users = resource_types[0].name == "User"
        queryset: QuerySet[Any] = self._users() if users else self._groups()
        if search_request.filter is not None:
            columns = USER_COLUMNS if users else GROUP_COLUMNS
            queryset = queryset.filter(to_q(search_request.filter.ast, columns, users=users))
            queryset = queryset.distinct()
        total = queryset.count()
        start = search_request.start_index_0 or 0
        count = search_request.count
        if count == 0:
            return SearchPage(total, [])
        page = queryset.order_by("created_at", "id")[start : start + count if count else None]
        if users:
            return SearchPage(total, [user_resource(r) for r in page])
        with_members = _wants_members(search_request)
        return SearchPage(total, [group_resource(g, with_members=with_members) for g in page])

    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        with scim_errors():
            if resource_type.name == "User":
                record = scim_user_create(token=self.token, data=user_data(resource))
                return user_resource(record)
            group = scim_group_create(token=self.token, data=group_data(resource))
            return group_resource(group)

    def update(
        self,
        resource_type: ResourceType,
        resource: Resource[Any],
        *,
        expected_version: str | None = None,
    ) -> Resource[Any]:
        resource_id = str(resource.id)
        _uuid(resource_id)
        with scim_errors():
            if resource_type.name == "User":
                record = scim_user_replace(
                    token=self.token,
                    public_id=resource_id,
                    data=user_data(resource),
                    expected_version=version_of(expected_version),
                )
                return user_resource(record)
            group = scim_group_replace(
                token=self.token,
                public_id=resource_id,
                data=group_data(resource),
                expected_version=version_of(expected_version),
            )
            return group_resource(group)

    def delete(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        expected_version: str | None = None,
    ) -> None:
        _uuid(resource_id)
        with scim_errors():
            if resource_type.name == "User":
                scim_user_delete(
                    token=self.token,
                    public_id=resource_id,
                    expected_version=version_of(expected_version),
                )
            else:
                scim_group_delete(
                    token=self.token,
                    public_id=resource_id,
                    expected_version=version_of(expected_version),
                )
