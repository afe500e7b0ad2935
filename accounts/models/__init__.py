"""Accounts' models, one module per topic; import them from here."""

from accounts.models.core import ApiKey, Membership, Organization, Sponsorship, User, UserManager
from accounts.models.enrolment import (
    EnrolmentJob,
    EnrolmentResultChunk,
    EnrolmentUpload,
    EnrolmentUploadPart,
    RosterEntry,
)
from accounts.models.invitations import Invitation
from accounts.models.registration import DomainChallenge, OrganizationDeclaration

__all__ = [
    "ApiKey",
    "DomainChallenge",
    "EnrolmentJob",
    "EnrolmentResultChunk",
    "EnrolmentUpload",
    "EnrolmentUploadPart",
    "Invitation",
    "Membership",
    "Organization",
    "OrganizationDeclaration",
    "RosterEntry",
    "Sponsorship",
    "User",
    "UserManager",
]
