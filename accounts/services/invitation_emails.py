"""The email that carries an invitation's link, sent at most once per link.

Claiming a generation (committed) before sending it makes each link's email go
out at most once however often the task runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services.invitations import invitation_token, token_key

logger = logging.getLogger(__name__)

# Invitations per email task: one SMTP connection, one short transaction.
SEND_BATCH = 200


def accept_url(token: str, *, path: str | None = None) -> str:
    return f"{settings.IDV_BASE_URL}{path or reverse('invitation-accept')}?token={token}"


def _message(invitation: Invitation, accept_path: str, key: bytes) -> EmailMessage:
    organization = invitation.organization
    inviter = invitation.invited_by.get_full_name() if invitation.invited_by else "An admin"
    body = (
        f"{inviter} invites you to join {organization.legal_name} on idverify, the service "
        "that records who may use export-controlled AI models.\n\n"
        f"Accept the invitation here (sign in or create an account with {invitation.email}):\n"
        f"{accept_url(invitation_token(invitation, key), path=accept_path)}\n\n"
        f"The link works once and expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC.\n"
        "If you did not expect this, ignore this email.\n"
    )
    return EmailMessage(
        subject=f"You are invited to join {organization.legal_name} on idverify",
        body=body,
        to=[invitation.email],
    )


def invitation_emails_send(*, invitation_ids: Sequence[int]) -> int:
    """Email every listed invitation whose current link has not been sent yet.

    At most once per link: each batch is claimed (and committed) before it is
    sent, so a second run, a concurrent run or a redelivered task finds nothing
    to send. If the mail server refuses part-way, what was sent is recorded,
    the rest is released, and the error propagates so the task retries those.
    """
    sent = 0
    ids = list(invitation_ids)
    for start in range(0, len(ids), SEND_BATCH):
        sent += _send_batch(ids[start : start + SEND_BATCH])
    return sent


def _send_batch(ids: Sequence[int]) -> int:
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("organization", "invited_by")
            .filter(
                pk__in=ids,
                claimed_generation__lt=F("generation"),
                accepted_at=None,
                revoked_at=None,
                expires_at__gt=now,
            )
        )
        Invitation.objects.filter(pk__in=[i.pk for i in due]).update(
            claimed_generation=F("generation")
        )
    if not due:
        return 0
    done: list[int] = []
    failure: Exception | None = None
    accept_path = reverse("invitation-accept")
    key = token_key()
    connection = get_connection()
    try:
        connection.open()
        for invitation in due:
            connection.send_messages([_message(invitation, accept_path, key)])
            done.append(invitation.pk)
    except Exception as exc:  # recorded below, then re-raised for a retry
        failure = exc
    finally:
        connection.close()
    with transaction.atomic():
        Invitation.objects.filter(pk__in=done).update(
            emailed_generation=F("claimed_generation"), last_sent_at=now
        )
        sent_ids = set(done)
        unsent = [i.pk for i in due if i.pk not in sent_ids]
        Invitation.objects.filter(pk__in=unsent).update(claimed_generation=F("emailed_generation"))
    if failure is not None:
        logger.warning("invitation email failed after %d sent", len(done))
        raise failure
    return len(done)


def unclaimed_invitations() -> QuerySet[Invitation]:
    """Open invitations whose current link no sender has claimed (so nobody is sending it)."""
    return Invitation.objects.filter(
        claimed_generation__lt=F("generation"),
        accepted_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    )


def invitations_send_pending(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Send what a lost task never claimed (its worker died before it started)."""
    cutoff = timezone.now() - older_than
    due = unclaimed_invitations().filter(created_at__lt=cutoff)
    return invitation_emails_send(invitation_ids=list(due.values_list("pk", flat=True)[:10_000]))
