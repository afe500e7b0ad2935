"""Web pages of the accounts app, one module per topic; URLs import from here."""

from accounts.views.account import account, api_key_create, api_key_revoke
from accounts.views.enrolments import (
    enrolment_commit,
    enrolment_detail,
    enrolment_list,
    enrolment_results,
    enrolment_template,
)
from accounts.views.organizations import (
    domain_challenge_check,
    domain_challenge_create,
    organization_detail,
    organization_list,
    organization_register,
    organization_reject,
    organization_suspend_view,
    organization_verify,
)
from accounts.views.people import (
    invitation_accept,
    invitation_list,
    invitation_resend,
    invitation_revoke,
    member_list,
    member_remove,
    member_role,
)
from accounts.views.sponsorships import sponsor_candidates, sponsorship_list, sponsorship_revoke

__all__ = [
    "account",
    "api_key_create",
    "api_key_revoke",
    "domain_challenge_check",
    "domain_challenge_create",
    "enrolment_commit",
    "enrolment_detail",
    "enrolment_list",
    "enrolment_results",
    "enrolment_template",
    "invitation_accept",
    "invitation_list",
    "invitation_resend",
    "invitation_revoke",
    "member_list",
    "member_remove",
    "member_role",
    "organization_detail",
    "organization_list",
    "organization_register",
    "organization_reject",
    "organization_suspend_view",
    "organization_verify",
    "sponsor_candidates",
    "sponsorship_list",
    "sponsorship_revoke",
]
