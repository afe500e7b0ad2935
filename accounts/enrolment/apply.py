"""What a chunk of valid rows does to the roster: new, updated or unchanged.

The upsert is keyed on the lowercased email, so running the same rows again
finds every one unchanged and invites nobody. New people who are not yet
members get an invitation (an expired open one is renewed instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models.functions import Lower
from django.utils import timezone

from accounts.enrolment import bulk
from accounts.enrolment.rows import CleanRow, Row
from accounts.models import Invitation, Membership, Organization, RosterEntry, User
from accounts.services.invitations import build_invitations, renew_token

NEW, UPDATED, UNCHANGED, INVALID = "new", "updated", "unchanged", "invalid"
_FIELDS = ("given_name", "family_name", "employee_id", "department", "sponsor")
_RENEWED = ("generation", "token_digest", "expires_at")


@dataclass
class Outcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    invitation_ids: list[int] = field(default_factory=list)


def _differs(entry: RosterEntry, clean: CleanRow) -> bool:
    return any(getattr(entry, name) != getattr(clean, name) for name in _FIELDS)


def classify(
    *, organization: Organization, rows: list[Row], apply: bool, invited_by: User | None
) -> Outcome:
    """Set each row's status; with ``apply``, write the roster and invitations too."""
    outcome = Outcome()
    valid: list[CleanRow] = []
    for row in rows:
        if row.clean is None:
            row.status = INVALID
            outcome.invalid += 1
        else:
            valid.append(row.clean)
    existing = {
        entry.email: entry
        for entry in RosterEntry.objects.filter(
            organization=organization, email__in=[c.email for c in valid]
        )
    }
    new: list[CleanRow] = []
    changed: list[RosterEntry] = []
    status_of: dict[str, str] = {}
    for clean in valid:
        entry = existing.get(clean.email)
        if entry is None:
            status_of[clean.email] = NEW
            new.append(clean)
        elif _differs(entry, clean):
            status_of[clean.email] = UPDATED
            for name in _FIELDS:
                setattr(entry, name, getattr(clean, name))
            changed.append(entry)
        else:
            status_of[clean.email] = UNCHANGED
    for row in rows:
        if row.clean is not None:
            row.status = status_of[row.clean.email]
    outcome.new, outcome.updated = len(new), len(changed)
    outcome.unchanged = len(valid) - outcome.new - outcome.updated
    if apply:
        _write(organization, new, changed, invited_by, outcome)
    return outcome


def _write(
    organization: Organization,
    new: list[CleanRow],
    changed: list[RosterEntry],
    invited_by: User | None,
    outcome: Outcome,
) -> None:
    now = timezone.now()
    new_emails = [c.email for c in new]
    accounts = dict(
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=new_emails)
        .values_list("email_lower", "pk")
    )
    members = set(
        Membership.objects.filter(
            organization=organization, user_id__in=accounts.values()
        ).values_list("user_id", flat=True)
    )
    bulk.insert_rows(
        RosterEntry,
        {
            "organization_id": [organization.pk] * len(new),
            "email": new_emails,
            "given_name": [c.given_name for c in new],
            "family_name": [c.family_name for c in new],
            "employee_id": [c.employee_id for c in new],
            "department": [c.department for c in new],
            "sponsor": [c.sponsor for c in new],
            "user_id": [accounts[e] if accounts.get(e) in members else None for e in new_emails],
            "created_at": [now] * len(new),
            "updated_at": [now] * len(new),
        },
    )
    bulk.update_rows(
        RosterEntry,
        [entry.pk for entry in changed],
        {
            **{name: [getattr(entry, name) for entry in changed] for name in _FIELDS},
            "updated_at": [now] * len(changed),
        },
    )

    to_invite = [e for e in new_emails if accounts.get(e) not in members]
    open_invitations = {
        invitation.email: invitation
        for invitation in Invitation.objects.filter(
            organization=organization, email__in=to_invite, accepted_at=None, revoked_at=None
        )
    }
    expired = [i for i in open_invitations.values() if i.expires_at <= now]
    for invitation in expired:
        renew_token(invitation)
    bulk.update_rows(
        Invitation,
        [i.pk for i in expired],
        {name: [getattr(i, name) for i in expired] for name in _RENEWED},
    )
    created = bulk.insert_rows(
        Invitation,
        build_invitations(
            organization=organization,
            emails=[e for e in to_invite if e not in open_invitations],
            invited_by=invited_by,
            role=Membership.Role.MEMBER,
        ),
    )
    outcome.invitation_ids = created + [i.pk for i in expired]
