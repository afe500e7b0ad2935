"""Groups: kept per organisation; membership of the mapped group means sponsorship."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from idverify.errors import NotFound, ValidationFailed
from scim.errors import VersionMismatch
from scim.models import ScimGroup, ScimToken, ScimUser
from scim.services.standing import settings_of, sponsorship_reconcile


@dataclass
class GroupData:
    display_name: str
    external_id: str = ""
    # SCIM ids (ScimUser.public_id) of the members; None leaves the members as they are.
    member_ids: list[str] | None = field(default=None)


def _members(token: ScimToken, ids: list[str]) -> list[ScimUser]:
    wanted = set(ids)
    found = list(ScimUser.objects.filter(organization=token.organization, public_id__in=wanted))
    if len(found) != len(wanted):
        # The same answer for an id that does not exist and one of another organisation.
        missing = sorted(wanted - {str(r.public_id) for r in found})
        raise ValidationFailed(
            f"No user with id {missing[0]!r} in this organisation.",
            fields={"members": ["Every member must be a user of this organisation."]},
        )
    return found


def _set_members(token: ScimToken, group: ScimGroup, ids: list[str]) -> tuple[int, int]:
    new = {r.pk: r for r in _members(token, ids)}
    current = set(group.members.values_list("pk", flat=True))
    added = [pk for pk in new if pk not in current]
    removed = [pk for pk in current if pk not in new]
    if not added and not removed:
        return 0, 0
    through = ScimUser.groups.through
    through.objects.filter(scimgroup_id=group.pk, scimuser_id__in=removed).delete()
    through.objects.bulk_create([through(scimgroup_id=group.pk, scimuser_id=pk) for pk in added])
    settings = settings_of(group.organization)
    if settings is not None and settings.sponsor_group_id == group.pk:
        touched = (
            ScimUser.objects.select_for_update(of=("self",))
            .select_related("organization", "user")
            .filter(pk__in=[*added, *removed])
        )
        for record in touched:
            sponsorship_reconcile(actor=token.audit_actor, record=record, settings=settings)
    return len(added), len(removed)


def _clean(data: GroupData) -> GroupData:
    data.display_name = data.display_name.strip()
    if not data.display_name:
        raise ValidationFailed(fields={"displayName": ["A group needs a displayName."]})
    return data


def scim_group_create(*, token: ScimToken, data: GroupData) -> ScimGroup:
    data = _clean(data)
    with transaction.atomic():
        group = ScimGroup.objects.create(
            organization=token.organization,
            display_name=data.display_name,
            external_id=data.external_id,
        )
        added, _ = _set_members(token, group, data.member_ids or [])
        audit_record(
            action="scim.group.created",
            actor=token.audit_actor,
            subject_type="scim_group",
            subject_id=group.public_id,
            organization_id=token.organization.public_id,
            data={"displayName": group.display_name, "members_added": added},
        )
    return group


def _locked(token: ScimToken, public_id: str) -> ScimGroup:
    group = (
        ScimGroup.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(organization=token.organization, public_id=public_id)
        .first()
    )
    if group is None:
        raise NotFound("No such group in this organisation.")
    return group


def scim_group_replace(
    *, token: ScimToken, public_id: str, data: GroupData, expected_version: int | None
) -> ScimGroup:
    data = _clean(data)
    with transaction.atomic():
        group = _locked(token, public_id)
        if expected_version is not None and group.version != expected_version:
            raise VersionMismatch()
        renamed = (group.display_name, group.external_id) != (data.display_name, data.external_id)
        group.display_name, group.external_id = data.display_name, data.external_id
        added = removed = 0
        if data.member_ids is not None:
            added, removed = _set_members(token, group, data.member_ids)
        if not renamed and not added and not removed:
            return group
        group.version += 1
        group.updated_at = timezone.now()
        group.save()
        audit_record(
            action="scim.group.updated",
            actor=token.audit_actor,
            subject_type="scim_group",
            subject_id=group.public_id,
            organization_id=token.organization.public_id,
            data={
                "displayName": group.display_name,
                "members_added": added,
                "members_removed": removed,
            },
        )
    return group


def scim_group_delete(*, token: ScimToken, public_id: str, expected_version: int | None) -> None:
    with transaction.atomic():
        group = _locked(token, public_id)
        if expected_version is not None and group.version != expected_version:
            raise VersionMismatch()
        _, removed = _set_members(token, group, [])
        audit_record(
            action="scim.group.deleted",
            actor=token.audit_actor,
            subject_type="scim_group",
            subject_id=group.public_id,
            organization_id=token.organization.public_id,
            data={"displayName": group.display_name, "members_removed": removed},
        )
        group.delete()
