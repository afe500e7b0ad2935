"""Reads about people and organisations, always scoped by who is asking."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from django.conf import settings
from django.db import router
from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import (
    ApiKey,
    DomainChallenge,
    EnrolmentJob,
    Invitation,
    Membership,
    Organization,
    OrganizationDeclaration,
    RosterEntry,
    Sponsorship,
    User,
)
from idverify.errors import NotFound, PermissionDenied
from idverify.prepared import fetch, fetch_values, model_fields, select_list
from idverify.url_ids import uuid_or_not_found

# Roles that run an organisation's account: people, invitations, enrolment.
# A signing official is an admin who may also sign for the organisation.
MANAGER_ROLES = frozenset({Membership.Role.ORG_ADMIN, Membership.Role.SIGNING_OFFICIAL})
# Roles whose acts bind others (an organisation, or the whole service).
PRIVILEGED_ROLES = MANAGER_ROLES | {Membership.Role.COMPLIANCE_OFFICER}


class _Request(Protocol):
    user: Any


def request_user(request: _Request) -> User:
    """The signed-in person making ``request`` (a page's or DRF's): the one way views ask
    who is asking. ``login_required`` or ``IsAuthenticated`` has already refused anyone
    else; should a view lack them, this refuses too."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in to do this.")
    return user


def is_privileged(user: User) -> bool:
    """Whether the person must sign in with a second factor: the one place that says so.

    Compliance officers, signing officials and organisation admins (of any
    organisation, pending or suspended too: the role is what they could do), and
    staff, who can open the Django admin.
    """
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=PRIVILEGED_ROLES).exists()


def is_compliance_officer(user: User) -> bool:
    """A compliance officer of the operator organisation: reviews and directives, service-wide."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        role=Membership.Role.COMPLIANCE_OFFICER,
        organization__kind=Organization.Kind.OPERATOR,
    ).exists()


def organization_list(*, viewer: User) -> QuerySet[Organization]:
    """The organisations the viewer belongs to (all of them, for a compliance officer)."""
    if is_compliance_officer(viewer):
        return Organization.objects.all().order_by("legal_name")
    return Organization.objects.filter(memberships__user=viewer).distinct().order_by("legal_name")


def organization_awaiting_verification_count(*, viewer: User) -> int:
    """Registrations a compliance officer has yet to verify (0 for anyone else)."""
    if not is_compliance_officer(viewer):
        return 0
    return Organization.objects.filter(
        kind=Organization.Kind.CUSTOMER, status=Organization.Status.PENDING
    ).count()


def organization_get(*, viewer: User, public_id: str) -> Organization:
    """One organisation the viewer may see; anything else is "not found", never "forbidden".

    Answering 404 rather than 403 does not tell an outsider that the id exists.
    """
    wanted = uuid_or_not_found(public_id, what="organisation")
    try:
        return organization_list(viewer=viewer).get(public_id=wanted)
    except Organization.DoesNotExist:
        raise NotFound("No such organisation.") from None


def ein_holders(*, ein: str) -> QuerySet[Organization]:
    """Organisations holding ``ein``: pending, verified or suspended (closed ones released it)."""
    return Organization.objects.filter(ein=ein, status__in=Organization.EIN_HOLDING_STATUSES)


def pending_expires_at(organization: Organization) -> datetime | None:
    """When a pending registration expires if no officer has verified it."""
    if organization.status != Organization.Status.PENDING:
        return None
    return organization.created_at + timedelta(days=settings.IDV_PENDING_ORG_DAYS)


def organization_ein_conflicts(
    *, viewer: User, organization: Organization
) -> QuerySet[Organization]:
    """For a compliance officer: the other organisations holding this one's EIN (pending,
    verified or suspended), so both sides of a conflict are in view. Nobody else learns
    that another registration claims the EIN."""
    if not organization.ein or not is_compliance_officer(viewer):
        return Organization.objects.none()
    return (
        ein_holders(ein=organization.ein)
        .exclude(pk=organization.pk)
        .select_related("registered_by")
        .order_by("created_at")
    )


def ein_conflicts_all(*, viewer: User) -> frozenset[str]:
    """For a compliance officer: every EIN more than one organisation holds (for the list)."""
    if not is_compliance_officer(viewer):
        return frozenset()
    shared = (
        Organization.objects.filter(status__in=Organization.EIN_HOLDING_STATUSES)
        .exclude(ein="")
        .values("ein")
        .annotate(holders=Count("pk"))
        .filter(holders__gt=1)
        .values_list("ein", flat=True)
    )
    return frozenset(shared)


def organization_role(*, user: User, organization: Organization) -> str | None:
    return (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )


def can_manage(*, user: User, organization: Organization) -> bool:
    return organization_role(user=user, organization=organization) in MANAGER_ROLES


def is_signing_official(*, user: User, organization: Organization) -> bool:
    role = organization_role(user=user, organization=organization)
    return role == Membership.Role.SIGNING_OFFICIAL


def require_signing_official(*, user: User, organization: Organization) -> None:
    """Refuse (PermissionDenied) unless ``user`` signs for ``organization``: the one rule
    for acts that bind it (sponsorships, SCIM tokens and mapping, single sign-on)."""
    if not is_signing_official(user=user, organization=organization):
        raise PermissionDenied("Only a signing official of the organisation can do this.")


def email_domain(email: str) -> str:
    return email.strip().rpartition("@")[2].lower().rstrip(".")


def email_in_proven_domain(*, organization: Organization, email: str) -> bool:
    """The address is in the organisation's proven domain or a subdomain of it: who SCIM
    may provision and whose IdP sign-in single sign-on accepts."""
    domain = organization.website_domain.strip().lower().rstrip(".")
    if not (organization.domain_verified_at and domain and "@" in email):
        return False
    host = email_domain(email)
    return host == domain or host.endswith("." + domain)


def organization_get_managed(*, viewer: User, public_id: str, write: bool = False) -> Organization:
    """An organisation the viewer runs. Outsiders get 404, its plain members 403.

    A compliance officer may read every organisation's records (``write=False``)
    but does not enrol or invite on a customer's behalf.
    """
    organization = organization_get(viewer=viewer, public_id=public_id)
    if can_manage(user=viewer, organization=organization):
        return organization
    if not write and is_compliance_officer(viewer):
        return organization
    raise PermissionDenied("Only the organisation's admins and signing officials can do this.")


def signing_officials(*, organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(
        organization=organization, role=Membership.Role.SIGNING_OFFICIAL
    ).select_related("user")


def membership_get(*, viewer: User, organization: Organization, user_public_id: str) -> Membership:
    wanted = uuid_or_not_found(user_public_id, what="member")
    try:
        return membership_list(viewer=viewer, organization=organization).get(user__public_id=wanted)
    except Membership.DoesNotExist:
        raise NotFound("No such member.") from None


def membership_list(*, viewer: User, organization: Organization) -> QuerySet[Membership]:
    """Members of an organisation: its admins and compliance officers see everyone;
    a plain member sees only their own membership; others see nothing."""
    members = Membership.objects.filter(organization=organization).select_related("user")
    if is_compliance_officer(viewer):
        return members.order_by("user__email")
    role = organization_role(user=viewer, organization=organization)
    if role in MANAGER_ROLES or role == Membership.Role.COMPLIANCE_OFFICER:
        return members.order_by("user__email")
    if role is not None:
        return members.filter(user=viewer)
    return members.none()


def api_key_list(*, viewer: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=viewer).order_by("-created_at")


_USER_FIELDS = tuple(User._meta.concrete_fields)
_API_KEY_SQL = (
    f"SELECT {select_list(ApiKey, 'k')}, {select_list(User, 'u')}"  # noqa: S608 - value is a parameter
    f" FROM {ApiKey._meta.db_table} k JOIN {User._meta.db_table} u ON u.id = k.user_id"
    " WHERE k.digest = %s"
)


def api_key_by_digest(digest: str) -> ApiKey | None:
    """The API key with ``digest``, its ``user`` loaded, or None: what
    ``ApiKey.objects.select_related("user").filter(digest=digest).first()`` returns.

    Every API request asks this, so it is one prepared statement
    (``idverify.prepared``): compiling the ORM query cost more than PostgreSQL's
    answer. Tests hold it equal to the ORM query.
    """
    using = router.db_for_read(ApiKey)
    rows = fetch(ApiKey, _API_KEY_SQL, [digest], extra=_USER_FIELDS, using=using)
    if not rows:
        return None
    key, user_values = rows[0]
    user = User.from_db(using, [field.attname for field in _USER_FIELDS], list(user_values))
    ApiKey._meta.get_field("user").set_cached_value(key, user)
    return key


_MEMBERSHIP_COLUMNS = (
    *model_fields(Organization, "public_id", "legal_name"),
    *model_fields(Membership, "role"),
)
_MEMBERSHIPS_SQL = (
    "SELECT o.public_id, o.legal_name, m.role"  # noqa: S608 - value is a parameter
    f" FROM {Membership._meta.db_table} m"
    f" JOIN {Organization._meta.db_table} o ON o.id = m.organization_id"
    " WHERE m.user_id = %s ORDER BY m.id"
)


def membership_roles(*, user: User) -> list[tuple[UUID, str, str]]:
    """(organisation public id, legal name, role) of each of ``user``'s memberships, in
    the order they were made: what ``GET /api/v1/me`` lists, as one prepared statement
    (``idverify.prepared``; a test holds it to the ORM's answer)."""
    rows = fetch_values(
        _MEMBERSHIP_COLUMNS, _MEMBERSHIPS_SQL, [user.pk], using=router.db_for_read(Membership)
    )
    return [(org, name, role) for org, name, role in rows]


def sponsorships_counting(*, at: datetime) -> QuerySet[Sponsorship]:
    """Sponsorships that vouch for their person at ``at``: active, in their period,
    given by a verified organisation."""
    return Sponsorship.objects.filter(
        status=Sponsorship.Status.ACTIVE,
        starts_at__lte=at,
        expires_at__gt=at,
        organization__status=Organization.Status.VERIFIED,
    )


def sponsorship_active(*, user: User, at: datetime | None = None) -> Sponsorship | None:
    """The sponsorship that currently vouches for the user, if any (latest expiry first)."""
    return (
        sponsorships_counting(at=at or timezone.now())
        .filter(user=user)
        .select_related("organization")
        .order_by("-expires_at")
        .first()
    )


def domain_challenge_current(*, organization: Organization) -> DomainChallenge | None:
    if not organization.website_domain:
        return None
    return (
        DomainChallenge.objects.filter(
            organization=organization, domain=organization.website_domain
        )
        .order_by("-created_at")
        .first()
    )


def declaration_latest(*, organization: Organization) -> OrganizationDeclaration | None:
    return (
        OrganizationDeclaration.objects.filter(organization=organization)
        .select_related("signed_by")
        .first()
    )


def invitation_list(*, viewer: User, organization: Organization) -> QuerySet[Invitation]:
    """An organisation's invitations, for its admins and compliance officers only."""
    invitations = Invitation.objects.filter(organization=organization).select_related("invited_by")
    if can_manage(user=viewer, organization=organization) or is_compliance_officer(viewer):
        return invitations.order_by("-created_at")
    return invitations.none()


def invitation_get(*, viewer: User, organization: Organization, public_id: str) -> Invitation:
    wanted = uuid_or_not_found(public_id, what="invitation")
    try:
        return invitation_list(viewer=viewer, organization=organization).get(public_id=wanted)
    except Invitation.DoesNotExist:
        raise NotFound("No such invitation.") from None


def sponsorship_list(*, viewer: User, organization: Organization) -> QuerySet[Sponsorship]:
    """Its admins and compliance officers see all; a member sees their own; others nothing."""
    sponsorships = Sponsorship.objects.filter(organization=organization).select_related(
        "user", "sponsored_by"
    )
    if can_manage(user=viewer, organization=organization) or is_compliance_officer(viewer):
        return sponsorships.order_by("-starts_at")
    if organization_role(user=viewer, organization=organization) is not None:
        return sponsorships.filter(user=viewer).order_by("-starts_at")
    return sponsorships.none()


def sponsorship_get(*, viewer: User, organization: Organization, public_id: str) -> Sponsorship:
    wanted = uuid_or_not_found(public_id, what="sponsorship")
    try:
        return sponsorship_list(viewer=viewer, organization=organization).get(public_id=wanted)
    except Sponsorship.DoesNotExist:
        raise NotFound("No such sponsorship.") from None


def sponsorship_candidates(*, viewer: User, organization: Organization) -> QuerySet[Membership]:
    """Members the roster marks for sponsorship who have no active sponsorship yet (never
    the viewer: nobody sponsors themselves)."""
    if not can_manage(user=viewer, organization=organization):
        return Membership.objects.none()
    flagged = RosterEntry.objects.filter(
        organization=organization, sponsor=True, user__isnull=False
    ).values("user_id")
    sponsored = Sponsorship.objects.filter(
        organization=organization, status=Sponsorship.Status.ACTIVE
    ).values("user_id")
    return (
        Membership.objects.filter(organization=organization, user_id__in=flagged)
        .exclude(user_id__in=sponsored)
        .exclude(user=viewer)
        .select_related("user")
        .order_by("user__email")
    )


def enrolment_job_list(*, viewer: User, organization: Organization) -> QuerySet[EnrolmentJob]:
    jobs = EnrolmentJob.objects.filter(organization=organization).select_related(
        "upload", "created_by"
    )
    if can_manage(user=viewer, organization=organization) or is_compliance_officer(viewer):
        return jobs.order_by("-created_at")
    return jobs.none()


def enrolment_job_get(*, viewer: User, organization: Organization, public_id: str) -> EnrolmentJob:
    wanted = uuid_or_not_found(public_id, what="enrolment job")
    try:
        return enrolment_job_list(viewer=viewer, organization=organization).get(public_id=wanted)
    except EnrolmentJob.DoesNotExist:
        raise NotFound("No such enrolment job.") from None


def enrolment_progress(job: EnrolmentJob) -> float:
    """0..1 over the job's passes (a commit without a dry run first checks, then imports)."""
    if job.is_finished:
        return 1.0
    total = max(job.upload.rows_total, 1)
    passes = 2 if job.mode == EnrolmentJob.Mode.COMMIT and job.source_job_id is None else 1
    done = job.rows_done + (total if passes == 2 and job.phase == EnrolmentJob.Phase.APPLY else 0)
    return round(min(done / (total * passes), 1.0), 4)
