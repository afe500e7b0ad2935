"""REST endpoints of the accounts app, one module per topic; URLs import from here."""

from accounts.apis.account import ApiKeyListCreateApi, ApiKeyRevokeApi, MeApi
from accounts.apis.enrolments import (
    EnrolmentCommitApi,
    EnrolmentDetailApi,
    EnrolmentListCreateApi,
    EnrolmentResultsApi,
    EnrolmentTemplateApi,
)
from accounts.apis.invitations import (
    InvitationAcceptApi,
    InvitationListCreateApi,
    InvitationResendApi,
    InvitationRevokeApi,
)
from accounts.apis.members import OrganizationMemberApi, OrganizationMembersApi
from accounts.apis.organizations import (
    DeclarationApi,
    DomainChallengeApi,
    DomainChallengeCheckApi,
    OrganizationDetailApi,
    OrganizationListCreateApi,
    OrganizationRejectApi,
    OrganizationSuspendApi,
    OrganizationVerifyApi,
)
from accounts.apis.sponsorships import SponsorshipListCreateApi, SponsorshipRevokeApi

__all__ = [
    "ApiKeyListCreateApi",
    "ApiKeyRevokeApi",
    "DeclarationApi",
    "DomainChallengeApi",
    "DomainChallengeCheckApi",
    "EnrolmentCommitApi",
    "EnrolmentDetailApi",
    "EnrolmentListCreateApi",
    "EnrolmentResultsApi",
    "EnrolmentTemplateApi",
    "InvitationAcceptApi",
    "InvitationListCreateApi",
    "InvitationResendApi",
    "InvitationRevokeApi",
    "MeApi",
    "OrganizationDetailApi",
    "OrganizationListCreateApi",
    "OrganizationMemberApi",
    "OrganizationMembersApi",
    "OrganizationRejectApi",
    "OrganizationSuspendApi",
    "OrganizationVerifyApi",
    "SponsorshipListCreateApi",
    "SponsorshipRevokeApi",
]
