"""Invitations to join an organisation: the links (create, resend, revoke, accept) and
the emails that carry them."""

from accounts.invitations.emails import (
    SEND_BATCH,
    accept_url,
    invitation_emails_send,
    invitations_send_pending,
    unclaimed_invitations,
)
from accounts.invitations.links import (
    SEND_TASK,
    TOKEN_PREFIX,
    build_invitations,
    clean_email,
    invitation_accept,
    invitation_create,
    invitation_find,
    invitation_resend,
    invitation_revoke,
    invitation_token,
    new_invitation,
    renew_token,
    token_digest,
)

__all__ = [
    "SEND_BATCH",
    "SEND_TASK",
    "TOKEN_PREFIX",
    "accept_url",
    "build_invitations",
    "clean_email",
    "invitation_accept",
    "invitation_create",
    "invitation_emails_send",
    "invitation_find",
    "invitation_resend",
    "invitation_revoke",
    "invitation_token",
    "invitations_send_pending",
    "new_invitation",
    "renew_token",
    "token_digest",
    "unclaimed_invitations",
]
