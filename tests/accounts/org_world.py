"""The organisation the access matrices work on, and its endpoints, web and API.

``tests/accounts/test_org_access_matrix.py`` calls every endpoint as owner,
teammate and outsider; ``test_second_factor_access.py`` calls the privileged ones
as a person held at the second factor. Both build the same world (the ``world``
fixture, ``tests/accounts/conftest.py``) and tell a changed organisation by its
``snapshot``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts.models import (
    DomainChallenge,
    EnrolmentJob,
    Invitation,
    Membership,
    Organization,
    RosterEntry,
    Sponsorship,
    User,
)
from tests.accounts.factories import HEADER, csv_bytes, csv_file

# (name, method, path, body, {person: expected status}); a person not named gets 404.
# Paths and bodies name the world's things as {org}, {member}, {inv}, {sp}, {job}; a
# body of "csv" is an enrolment file (csv_upload).
MatrixEndpoint = tuple[str, str, str, Any, dict[str, int]]


@dataclass
class World:
    org: Organization
    member2: User
    invitation: Invitation
    sponsorship: Sponsorship
    job: EnrolmentJob

    def ids(self) -> dict[str, str]:
        return {
            "org": str(self.org.public_id),
            "member": str(self.member2.public_id),
            "inv": str(self.invitation.public_id),
            "sp": str(self.sponsorship.public_id),
            "job": str(self.job.public_id),
        }


def snapshot(org: Organization) -> tuple[object, ...]:
    """What the organisation's endpoints can change: a refused request leaves it equal."""
    org.refresh_from_db()
    return (
        org.status,
        sorted(Membership.objects.filter(organization=org).values_list("user__email", "role")),
        sorted(
            Invitation.objects.filter(organization=org).values_list(
                "email", "generation", "revoked_at", "accepted_at"
            ),
            key=str,
        ),
        sorted(Sponsorship.objects.filter(organization=org).values_list("user__email", "status")),
        EnrolmentJob.objects.filter(organization=org).count(),
        RosterEntry.objects.filter(organization=org).count(),
        DomainChallenge.objects.filter(organization=org).count(),
    )


def csv_upload() -> Any:
    """A one-person enrolment file, as a form or the API uploads it."""
    return csv_file(csv_bytes(HEADER, "someone@example.com,Some,One,,,"))


def fill(value: Any, ids: dict[str, str]) -> Any:
    """``value`` (a path, or a body's keys and values) with the world's ids put in."""
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {fill(k, ids): fill(v, ids) for k, v in value.items()}
    return value


# The API, under /api/v1/.
API: list[MatrixEndpoint] = [
    ("detail", "get", "organizations/{org}", None, {"owner": 200, "teammate": 200}),
    ("members", "get", "organizations/{org}/members", None, {"owner": 200, "teammate": 200}),
    (
        "invitations",
        "get",
        "organizations/{org}/invitations",
        None,
        {"owner": 200, "teammate": 403},
    ),
    (
        "sponsorships",
        "get",
        "organizations/{org}/sponsorships",
        None,
        {"owner": 200, "teammate": 200},
    ),
    ("enrolments", "get", "organizations/{org}/enrolments", None, {"owner": 200, "teammate": 403}),
    (
        "enrolment",
        "get",
        "organizations/{org}/enrolments/{job}",
        None,
        {"owner": 200, "teammate": 403},
    ),
    (
        "results",
        "get",
        "organizations/{org}/enrolments/{job}/results",
        None,
        {"owner": 200, "teammate": 403},
    ),
    (
        "challenge",
        "get",
        "organizations/{org}/domain-challenge",
        None,
        {"owner": 200, "teammate": 403},
    ),
    (
        "invite",
        "post",
        "organizations/{org}/invitations",
        {"email": "x@example.com"},
        {"owner": 201, "teammate": 403},
    ),
    (
        "resend",
        "post",
        "organizations/{org}/invitations/{inv}/resend",
        {},
        {"owner": 200, "teammate": 403},
    ),
    (
        "revoke-invitation",
        "delete",
        "organizations/{org}/invitations/{inv}",
        None,
        {"owner": 200, "teammate": 403},
    ),
    (
        "role",
        "patch",
        "organizations/{org}/members/{member}",
        {"role": "org_admin"},
        {"owner": 200, "teammate": 403},
    ),
    (
        "remove",
        "delete",
        "organizations/{org}/members/{member}",
        None,
        {"owner": 204, "teammate": 403},
    ),
    (
        "sponsor",
        "post",
        "organizations/{org}/sponsorships",
        {"user": "{member}", "basis": "I-9"},
        {"owner": 403, "teammate": 404},
    ),
    (
        "revoke-sponsorship",
        "post",
        "organizations/{org}/sponsorships/{sp}/revoke",
        {"reason": "x"},
        {"owner": 403, "teammate": 403},
    ),
    ("enrol", "post", "organizations/{org}/enrolments", "csv", {"owner": 202, "teammate": 403}),
    (
        "import",
        "post",
        "organizations/{org}/enrolments/{job}/commit",
        {"valid_only": True},
        {"owner": 202, "teammate": 403},
    ),
    (
        "new-challenge",
        "post",
        "organizations/{org}/domain-challenge",
        {},
        {"owner": 201, "teammate": 403},
    ),
    (
        "check-challenge",
        "post",
        "organizations/{org}/domain-challenge/check",
        {},
        {"owner": 409, "teammate": 403},
    ),
    (
        "verify",
        "post",
        "organizations/{org}/verify",
        {"reason": "x"},
        {"owner": 403, "teammate": 403},
    ),
    (
        "reject",
        "post",
        "organizations/{org}/reject",
        {"reason": "x"},
        {"owner": 403, "teammate": 403},
    ),
    (
        "suspend",
        "post",
        "organizations/{org}/suspend",
        {"reason": "x"},
        {"owner": 403, "teammate": 403},
    ),
]


# The web pages, under /organizations/.
WEB: list[MatrixEndpoint] = [
    ("overview", "get", "{org}/", None, {"owner": 200, "teammate": 200}),
    ("members", "get", "{org}/members", None, {"owner": 200, "teammate": 200}),
    ("invitations", "get", "{org}/invitations", None, {"owner": 200, "teammate": 403}),
    ("sponsorships", "get", "{org}/sponsorships", None, {"owner": 200, "teammate": 200}),
    ("enrolments", "get", "{org}/enrolments", None, {"owner": 200, "teammate": 403}),
    ("enrolment", "get", "{org}/enrolments/{job}/", None, {"owner": 200, "teammate": 403}),
    ("results", "get", "{org}/enrolments/{job}/results.csv", None, {"owner": 200, "teammate": 403}),
    (
        "invite",
        "post",
        "{org}/invitations",
        {"email": "x@example.com", "role": "member"},
        {"owner": 302, "teammate": 403},
    ),
    ("resend", "post", "{org}/invitations/{inv}/resend", {}, {"owner": 302, "teammate": 403}),
    (
        "revoke-invitation",
        "post",
        "{org}/invitations/{inv}/revoke",
        {},
        {"owner": 302, "teammate": 403},
    ),
    (
        "role",
        "post",
        "{org}/members/{member}/role",
        {"role": "org_admin"},
        {"owner": 302, "teammate": 403},
    ),
    ("remove", "post", "{org}/members/{member}/remove", {}, {"owner": 302, "teammate": 403}),
    (
        "sponsor",
        "post",
        "{org}/sponsorships",
        {"member": "{member}", "basis": "I-9", "period_months": 12},
        {"owner": 400, "teammate": 400},
    ),
    (
        "sponsor-candidates",
        "post",
        "{org}/sponsorships/candidates",
        {"member": "{member}", "basis": "I-9"},
        {"owner": 302, "teammate": 302},
    ),
    (
        "revoke-sponsorship",
        "post",
        "{org}/sponsorships/{sp}/revoke",
        {"reason": "x"},
        {"owner": 302, "teammate": 302},
    ),
    ("enrol", "post", "{org}/enrolments", "csv", {"owner": 302, "teammate": 403}),
    (
        "import",
        "post",
        "{org}/enrolments/{job}/import",
        {"valid_only": "1"},
        {"owner": 302, "teammate": 403},
    ),
    ("new-challenge", "post", "{org}/domain/new", {}, {"owner": 302, "teammate": 302}),
    ("check-challenge", "post", "{org}/domain/check", {}, {"owner": 302, "teammate": 302}),
    ("verify", "post", "{org}/verify", {"reason": "x"}, {"owner": 302, "teammate": 302}),
    ("reject", "post", "{org}/reject", {"reason": "x"}, {"owner": 302, "teammate": 302}),
    ("suspend", "post", "{org}/suspend", {"reason": "x"}, {"owner": 302, "teammate": 302}),
]
