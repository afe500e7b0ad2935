"""Groups: kept per organisation; membership of the mapped group means sponsorship."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from idverify.errors import NotFound, ValidationFailed
from scim.errors import VersionMismatch
from scim.models import ScimGroup, ScimGroupMember, ScimToken, ScimUser
from scim.services.standing import settings_of, sponsorship_reconcile


@dataclass
class GroupData:
    display_name: str
    external_id: str = ""
    # The members, by SCIM id (ScimUser.public_id), with the label the IdP gave each.
    members: dict[str, str] = field(default_factory=dict)


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


def _set_members(token: ScimToken, group: ScimGroup, wanted: dict[str, str]) -> tuple[int, int]:
    """Make the group's members exactly ``wanted``; how many were added and removed."""
    new = {str(r.public_id): r.pk for r in _members(token, list(wanted))}
    current = {row.scim_user_id: row for row in ScimGroupMember.objects.filter(group=group)}
    keep = {new[pid]: display for pid, display in wanted.items()}
    added = [pk for pk in keep if pk not in current]
    removed = [pk for pk in current if pk not in keep]
    relabelled = [row for pk, row in current.items() if pk in keep and row.display != keep[pk]]
    ScimGroupMember.objects.filter(group=group, scim_user_id__in=removed).delete()
    ScimGroupMember.objects.bulk_create(
        [ScimGroupMember(group=group, scim_user_id=pk, display=keep[pk]) for pk in added]
    )
    for row in relabelled:
        row.display = keep[row.scim_user_id]
    ScimGroupMember.objects.bulk_update(relabelled, ["display"])
    settings = settings_of(group.organization)
    if (added or removed) and settings is not None and settings.sponsor_group_id == group.pk:
        touched = (
            ScimUser.objects.select_for_update(of=("self",))
            .select_related("organization", "user")
            .filter(pk__in=[*added, *removed])
        )
        for record in touched:
            sponsorship_reconcile(actor=token.audit_actor, record=record, settings=settings)
    return len(added), len(removed)


def _labels(group: ScimGroup) -> set[tuple[int, str]]:
    return set(ScimGroupMember.objects.filter(group=group).values_list("scim_user_id", "display"))


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
        added, _ = _set_members(token, group, data.members)
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
        before = _labels(group)
        added, removed = _set_members(token, group, data.members)
        if not renamed and _labels(group) == before:
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
        _, removed = _set_members(token, group, {})
        audit_record(
            action="scim.group.deleted",
            actor=token.audit_actor,
            subject_type="scim_group",
            subject_id=group.public_id,
            organization_id=token.organization.public_id,
            data={"displayName": group.display_name, "members_removed": removed},
        )
        group.delete()
