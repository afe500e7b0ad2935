from __future__ import annotations

from django.urls import path

from accounts import views

_ORG = "organizations/<str:org_id>"

urlpatterns = [
    path("account/", views.account_view, name="account"),
    path("account/api-keys/", views.api_key_create_view, name="account-api-key-create"),
    path(
        "account/api-keys/<str:key_id>/revoke",
        views.api_key_revoke_view,
        name="account-api-key-revoke",
    ),
    path("organizations/", views.organization_list_view, name="organizations"),
    path("organizations/register", views.organization_register_view, name="organization-register"),
    path(
        "organizations/enrolment-template.csv",
        views.enrolment_template_view,
        name="enrolment-template",
    ),
    path("invitations/accept", views.invitation_accept_view, name="invitation-accept"),
    path(f"{_ORG}/", views.organization_detail_view, name="organization-detail"),
    path(f"{_ORG}/verify", views.organization_verify_view, name="organization-verify"),
    path(f"{_ORG}/reject", views.organization_reject_view, name="organization-reject"),
    path(f"{_ORG}/suspend", views.organization_suspend_view, name="organization-suspend"),
    path(f"{_ORG}/domain/new", views.domain_challenge_create_view, name="organization-domain-new"),
    path(
        f"{_ORG}/domain/check", views.domain_challenge_check_view, name="organization-domain-check"
    ),
    path(f"{_ORG}/members", views.member_list_view, name="organization-members"),
    path(
        f"{_ORG}/members/<str:user_id>/role",
        views.member_role_view,
        name="organization-member-role",
    ),
    path(
        f"{_ORG}/members/<str:user_id>/remove",
        views.member_remove_view,
        name="organization-member-remove",
    ),
    path(f"{_ORG}/invitations", views.invitation_list_view, name="organization-invitations"),
    path(
        f"{_ORG}/invitations/<str:invitation_id>/resend",
        views.invitation_resend_view,
        name="organization-invitation-resend",
    ),
    path(
        f"{_ORG}/invitations/<str:invitation_id>/revoke",
        views.invitation_revoke_view,
        name="organization-invitation-revoke",
    ),
    path(f"{_ORG}/sponsorships", views.sponsorship_list_view, name="organization-sponsorships"),
    path(
        f"{_ORG}/sponsorships/candidates",
        views.sponsor_candidates_view,
        name="organization-sponsor-candidates",
    ),
    path(
        f"{_ORG}/sponsorships/<str:sponsorship_id>/revoke",
        views.sponsorship_revoke_view,
        name="organization-sponsorship-revoke",
    ),
    path(f"{_ORG}/enrolments", views.enrolment_list_view, name="organization-enrolments"),
    path(
        f"{_ORG}/enrolments/<str:job_id>/",
        views.enrolment_detail_view,
        name="organization-enrolment",
    ),
    path(
        f"{_ORG}/enrolments/<str:job_id>/import",
        views.enrolment_commit_view,
        name="organization-enrolment-commit",
    ),
    path(
        f"{_ORG}/enrolments/<str:job_id>/results.csv",
        views.enrolment_results_view,
        name="organization-enrolment-results",
    ),
]
