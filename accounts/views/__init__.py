"""Web pages of the accounts app, one module per topic; URLs import from here.

Every page is a function named ``<what>_view``, so a page never shares a name with the
service it calls (``organizations.organization_verify`` behind ``organization_verify_view``)."""

from accounts.views.account import account_view, api_key_create_view, api_key_revoke_view
from accounts.views.enrolments import (
    enrolment_commit_view,
    enrolment_detail_view,
    enrolment_list_view,
    enrolment_results_view,
    enrolment_template_view,
)
from accounts.views.invitations import (
    invitation_accept_view,
    invitation_list_view,
    invitation_resend_view,
    invitation_revoke_view,
)
from accounts.views.members import member_list_view, member_remove_view, member_role_view
from accounts.views.organizations import (
    domain_challenge_check_view,
    domain_challenge_create_view,
    organization_detail_view,
    organization_list_view,
    organization_register_view,
    organization_reject_view,
    organization_suspend_view,
    organization_verify_view,
)
from accounts.views.sponsorships import (
    sponsor_candidates_view,
    sponsorship_list_view,
    sponsorship_revoke_view,
)

__all__ = [
    "account_view",
    "api_key_create_view",
    "api_key_revoke_view",
    "domain_challenge_check_view",
    "domain_challenge_create_view",
    "enrolment_commit_view",
    "enrolment_detail_view",
    "enrolment_list_view",
    "enrolment_results_view",
    "enrolment_template_view",
    "invitation_accept_view",
    "invitation_list_view",
    "invitation_resend_view",
    "invitation_revoke_view",
    "member_list_view",
    "member_remove_view",
    "member_role_view",
    "organization_detail_view",
    "organization_list_view",
    "organization_register_view",
    "organization_reject_view",
    "organization_suspend_view",
    "organization_verify_view",
    "sponsor_candidates_view",
    "sponsorship_list_view",
    "sponsorship_revoke_view",
]
