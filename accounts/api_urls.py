from __future__ import annotations

from django.urls import path

from accounts import apis

_ORG = "organizations/<str:org_id>"

urlpatterns = [
    path("me", apis.MeApi.as_view(), name="api-me"),
    path("api-keys", apis.ApiKeyListCreateApi.as_view(), name="api-keys"),
    path("api-keys/<str:key_id>", apis.ApiKeyRevokeApi.as_view(), name="api-key-revoke"),
    path(
        "declarations/organization",
        apis.DeclarationApi.as_view(),
        name="api-organization-declaration",
    ),
    path("enrolments/template", apis.EnrolmentTemplateApi.as_view(), name="api-enrolment-template"),
    path("invitations/accept", apis.InvitationAcceptApi.as_view(), name="api-invitation-accept"),
    path("organizations", apis.OrganizationListCreateApi.as_view(), name="api-organizations"),
    path(_ORG, apis.OrganizationDetailApi.as_view(), name="api-organization"),
    path(f"{_ORG}/verify", apis.OrganizationVerifyApi.as_view(), name="api-organization-verify"),
    path(f"{_ORG}/reject", apis.OrganizationRejectApi.as_view(), name="api-organization-reject"),
    path(f"{_ORG}/suspend", apis.OrganizationSuspendApi.as_view(), name="api-organization-suspend"),
    path(
        f"{_ORG}/domain-challenge",
        apis.DomainChallengeApi.as_view(),
        name="api-organization-domain-challenge",
    ),
    path(
        f"{_ORG}/domain-challenge/check",
        apis.DomainChallengeCheckApi.as_view(),
        name="api-organization-domain-check",
    ),
    path(f"{_ORG}/members", apis.OrganizationMembersApi.as_view(), name="api-organization-members"),
    path(
        f"{_ORG}/members/<str:user_id>",
        apis.OrganizationMemberApi.as_view(),
        name="api-organization-member",
    ),
    path(f"{_ORG}/invitations", apis.InvitationListCreateApi.as_view(), name="api-invitations"),
    path(
        f"{_ORG}/invitations/<str:invitation_id>",
        apis.InvitationRevokeApi.as_view(),
        name="api-invitation",
    ),
    path(
        f"{_ORG}/invitations/<str:invitation_id>/resend",
        apis.InvitationResendApi.as_view(),
        name="api-invitation-resend",
    ),
    path(f"{_ORG}/sponsorships", apis.SponsorshipListCreateApi.as_view(), name="api-sponsorships"),
    path(
        f"{_ORG}/sponsorships/<str:sponsorship_id>/revoke",
        apis.SponsorshipRevokeApi.as_view(),
        name="api-sponsorship-revoke",
    ),
    path(f"{_ORG}/enrolments", apis.EnrolmentListCreateApi.as_view(), name="api-enrolments"),
    path(
        f"{_ORG}/enrolments/<str:job_id>", apis.EnrolmentDetailApi.as_view(), name="api-enrolment"
    ),
    path(
        f"{_ORG}/enrolments/<str:job_id>/commit",
        apis.EnrolmentCommitApi.as_view(),
        name="api-enrolment-commit",
    ),
    path(
        f"{_ORG}/enrolments/<str:job_id>/results",
        apis.EnrolmentResultsApi.as_view(),
        name="api-enrolment-results",
    ),
]
