"""Helpers that build organisation test data: officials, invitations, CSV files."""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone

from accounts.models import Invitation, Membership, Organization, User
from accounts.services.invitations import new_invitation
from tests.support.factories import MembershipFactory


def signing_official(organization: Organization, email: str = "signer@example.com") -> User:
    user: User = MembershipFactory.create(
        organization=organization, role=Membership.Role.SIGNING_OFFICIAL, user__email=email
    ).user
    return user


def invitation(
    organization: Organization, email: str, *, invited_by: User | None = None, days: int = 7
) -> Invitation:
    built = new_invitation(
        organization=organization, email=email, invited_by=invited_by, role="member"
    )
    built.expires_at = timezone.now() + timedelta(days=days)
    built.save()
    return built


def csv_bytes(*lines: str, bom: bool = False, newline: str = "\r\n") -> bytes:
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def csv_file(data: bytes, name: str = "staff.csv") -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


HEADER = "email,given_name,family_name,employee_id,department,sponsor"


def staff_rows(count: int, *, start: int = 0, domain: str = "staff.example.com") -> list[str]:
    sponsor = ("yes", "no", "no")
    return [
        f"person{n}@{domain},Given{n},Family{n},E{n:06d},Dept {n % 7},{sponsor[n % 3]}"
        for n in range(start, start + count)
    ]
