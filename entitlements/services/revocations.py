"""Revocations: a token, a person, an organisation's sponsorships; and the document they feed.

An officer's act (a token, a person) and a tier directive take the one
``RevocationState`` row lock, rewrite the document content and raise the
serial, all in the transaction that made the change. Voiding people's tokens
because their evidence changed (``users_tokens_void``: a sponsorship ended, an
IdP deprovisioned someone, a screening hold) is the mass path: it writes the
cutoffs and voids the tokens in its own transaction (one INSERT, one UPDATE),
marks the cutoffs ``awaiting_publication`` and takes no lock; the next read of
the document (``entitlements.publication``, every verifier poll) or the
heartbeat republishes once for all of them. Introspection and issuance read
the tables, so they refuse the voided tokens at once; a verifier's next poll
does. Issuance never takes the lock, so it scales independently of it.

The serial is ``max(previous + 1, now in milliseconds)``: strictly
increasing, and still ahead of what verifiers hold if the database is ever
restored from an older backup (verifiers ignore a lower serial forever).

The document also says when it was signed and when it expires
(``IDV_REVOCATIONS_TTL_SECONDS`` later): verifiers judge freshness by those
signed times alone, so ``revocation_document_resign`` produces a new serial
on a heartbeat even when nothing changed, and when a web process finds the
copy near its expiry (in a background thread, never in a request's:
``entitlements.publication``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts.models import Organization, User
from accounts.selectors.users import is_compliance_officer
from accounts.separation import require_other_person
from accounts.services.sponsorships import organization_sponsorships_revoke
from audit.services import AuditEntry, audit_record, audit_record_many
from entitlements import versions
from entitlements.models import IssuedToken, ModelTier, RevocationState, UserRevocation
from idverify.errors import NotFound, PermissionDenied, ValidationFailed
from idverify.reasons import required_reason
from idverify.url_ids import get_by_public_id, uuid_or_not_found

# Longest token lifetime plus a generous verifier leeway: a cutoff or a revoked
# jti older than this can no longer match a token anyone would accept.
KEEP_LISTED = timedelta(seconds=900 + 300)
CUTOFF_MARGIN = timedelta(seconds=2)


def require_officer(actor: User, what: str) -> None:
    if not is_compliance_officer(actor):
        raise PermissionDenied(f"Only a compliance officer can {what}.")


def require_reason(reason: str) -> str:
    return required_reason(reason, max_length=500)  # the size of the reason columns


def lock_revocation_state() -> RevocationState:
    """The state row, locked for this transaction (created on first use)."""
    state = RevocationState.objects.select_for_update().filter(pk=1).first()
    if state is not None:
        return state
    try:
        with transaction.atomic():
            now = timezone.now()
            RevocationState.objects.create(
                pk=1, serial=0, produced_at=now, expires_at=now, tiers={}, users={}, jtis={}
            )
    except IntegrityError:
        pass  # created concurrently; lock that one
    return RevocationState.objects.select_for_update().get(pk=1)


def republish(state: RevocationState, *, now: datetime | None = None) -> RevocationState:
    """Rewrite the document content from the tables and raise the serial. Caller holds the lock."""
    now = now or timezone.now()
    horizon = now - KEEP_LISTED
    # First, so a cutoff committed after this statement stays marked for the next one.
    UserRevocation.objects.filter(awaiting_publication=True).update(awaiting_publication=False)
    tiers = {
        slug: {"state": directive, "epoch": epoch}
        for slug, directive, epoch in ModelTier.objects.values_list(
            "slug", "directive_state", "epoch"
        )
    }
    cutoffs = (
        UserRevocation.objects.filter(cutoff_at__gt=horizon)
        .values("user__public_id")
        .annotate(latest=Max("cutoff_at"))
    )
    users = {str(row["user__public_id"]): int(row["latest"].timestamp()) for row in cutoffs}
    revoked = IssuedToken.objects.filter(revoked_via="token", expires_at__gt=horizon)
    jtis = {str(jti): int(exp.timestamp()) for jti, exp in revoked.values_list("jti", "expires_at")}
    state.serial = max(state.serial + 1, int(now.timestamp() * 1000))
    # Whole seconds, as signed: the row says exactly what verifiers will read.
    state.produced_at = now.replace(microsecond=0)
    state.expires_at = state.produced_at + document_ttl()
    state.tiers, state.users, state.jtis = tiers, users, jtis
    state.save()
    versions.changed(versions.REVOCATIONS)
    return state


def document_ttl() -> timedelta:
    return timedelta(seconds=settings.IDV_REVOCATIONS_TTL_SECONDS)


def revocation_document_resign(*, unless_valid_for: timedelta | None = None) -> RevocationState:
    """Produce a newly signed document (a new serial, iat and exp) from the tables.

    With ``unless_valid_for``, only when the current one expires sooner than
    that (or was never produced); checked under the row lock, so web processes
    racing to renew a document near its expiry produce one serial, not one each.
    No audit event: this runs every few seconds and changes nothing anyone
    decided; every act that changes the content writes its own.
    """
    with transaction.atomic():
        state = lock_revocation_state()
        now = timezone.now()
        if (
            unless_valid_for is None
            or not state.serial
            or state.expires_at - now < unless_valid_for
            or revocations_awaiting_publication()
        ):
            state = republish(state, now=now)
    return state


def revocations_awaiting_publication() -> bool:
    """Cutoffs written since the document was last produced (a partial index answers)."""
    return bool(UserRevocation.objects.filter(awaiting_publication=True).exists())


def token_revoke(*, actor: User, jti: str, reason: str) -> IssuedToken:
    require_officer(actor, "revoke a token")
    reason = require_reason(reason)
    wanted = uuid_or_not_found(jti, what="token")
    with transaction.atomic():
        state = lock_revocation_state()
        try:
            token = (
                IssuedToken.objects.select_for_update()
                .select_related("user", "tier")
                .get(jti=wanted)
            )
        except IssuedToken.DoesNotExist:
            raise NotFound("No token with that jti was issued here.") from None
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.revoked_via = "token"
        token.revoked_reason = reason
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_via", "revoked_reason", "revoked_by"])
        state = republish(state)
        audit_record(
            action="token.revoked",
            actor=actor,
            subject_type="user",
            subject_id=token.user.public_id,
            organization_id=token.organization_id,
            data={
                "jti": token.jti,
                "tier": token.tier.slug,
                "expires_at": token.expires_at,
                "reason": reason,
                "serial": state.serial,
            },
        )
    return token


def _void_user_tokens(
    *, user: User, actor: User | None, reason: str, blocks_issuance: bool, now: datetime
) -> tuple[UserRevocation, int]:
    # The cutoff reaches a little past now: a request that read the person's evidence
    # before this commits may still sign a token in the next second, and must not
    # outlive the revocation. Issuance refuses until the cutoff has passed.
    revocation = UserRevocation.objects.create(
        user=user,
        cutoff_at=now + CUTOFF_MARGIN,
        blocks_issuance=blocks_issuance,
        reason=reason,
        actor=actor,
    )
    live = IssuedToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    count = live.update(revoked_at=now, revoked_via="user", revoked_reason=reason, revoked_by=actor)
    return revocation, count


def user_revoke(*, actor: User, user: User, reason: str) -> UserRevocation:
    """A compliance officer withdraws a person's access: live tokens die, new ones are refused."""
    require_officer(actor, "revoke a person's access")
    reason = require_reason(reason)
    with transaction.atomic():
        state = lock_revocation_state()
        now = timezone.now()
        revocation, count = _void_user_tokens(
            user=user, actor=actor, reason=reason, blocks_issuance=True, now=now
        )
        state = republish(state, now=now)
        audit_record(
            action="user.revoked",
            actor=actor,
            subject_type="user",
            subject_id=user.public_id,
            data={"reason": reason, "tokens_revoked": count, "serial": state.serial},
        )
    return revocation


def users_tokens_void(
    *,
    users: list[User],
    reason: str,
    actor: User | str | None = None,
    recheck: dict[str, dict[str, Any]] | None = None,
) -> list[UserRevocation]:
    """Void people's live tokens without refusing new ones (their evidence changed).

    One INSERT of cutoffs and one UPDATE of tokens, whatever the number of
    people, and no document lock: the cutoffs wait, marked, for the next read
    of the revocation document to publish them together (see the module
    docstring). Nothing here needs a worker: a verifier's own poll publishes.
    ``actor`` is a person, or a machine named as the audit log names it (an
    organisation's SCIM token, ``"scim:<id>"``).
    ``recheck``: by person's public id, what a re-check found (its cause, the
    person's level and assurance now, each token's reason codes), for the audit.
    """
    person = actor if isinstance(actor, User) else None
    if not users:
        return []
    with transaction.atomic():
        now = timezone.now()
        # See _void_user_tokens: the cutoff reaches a little past now.
        revocations = UserRevocation.objects.bulk_create(
            [
                UserRevocation(
                    user=user,
                    cutoff_at=now + CUTOFF_MARGIN,
                    blocks_issuance=False,
                    reason=reason,
                    actor=person,
                    created_at=now,
                    awaiting_publication=True,
                )
                for user in users
            ]
        )
        live = IssuedToken.objects.filter(
            user__in=[user.pk for user in users], revoked_at__isnull=True, expires_at__gt=now
        )
        counts = dict(live.values("user_id").annotate(n=Count("pk")).values_list("user_id", "n"))
        if counts:
            live.update(
                revoked_at=now, revoked_via="user", revoked_reason=reason, revoked_by=person
            )
        audit_record_many(
            [
                AuditEntry(
                    "user.tokens_voided",
                    actor,
                    "user",
                    user.public_id,
                    None,
                    {
                        "reason": reason,
                        "tokens_revoked": counts.get(user.pk, 0),
                        **(
                            {"recheck": recheck[str(user.public_id)]}
                            if recheck and str(user.public_id) in recheck
                            else {}
                        ),
                    },
                )
                for user in users
            ]
        )
        # This process's next document look comes at once (and publishes the cutoffs).
        versions.changed(versions.REVOCATIONS)
    return revocations


def user_revocation_lift(*, actor: User, user: User, reason: str) -> int:
    """Let a person ask for tokens again. Tokens voided earlier stay void."""
    require_officer(actor, "restore a person's access")
    require_other_person(
        actor=actor,
        subject=user,
        message="Another compliance officer must restore your own access.",
    )
    reason = require_reason(reason)
    with transaction.atomic():
        lifted = UserRevocation.objects.filter(
            user=user, blocks_issuance=True, lifted_at__isnull=True
        ).update(lifted_at=timezone.now(), lifted_by=actor)
        if lifted:
            audit_record(
                action="user.revocation_lifted",
                actor=actor,
                subject_type="user",
                subject_id=user.public_id,
                data={"reason": reason},
            )
    return lifted


def organization_revoke(*, actor: User, organization: Organization, reason: str) -> int:
    """Revoke every sponsorship of an organisation; its members' live tokens die with them.

    The tokens are voided by the ``sponsorship_revoked`` receiver once the
    sponsorships' transaction has committed.
    """
    require_officer(actor, "revoke an organisation's sponsorships")
    reason = require_reason(reason)
    with transaction.atomic():
        count = organization_sponsorships_revoke(
            actor=actor, organization=organization, reason=reason
        )
        audit_record(
            action="organization.sponsorships_revoked",
            actor=actor,
            subject_type="organization",
            subject_id=organization.public_id,
            organization_id=organization.public_id,
            data={"reason": reason, "sponsorships_revoked": count},
        )
    return count


def revocation_create(
    *,
    actor: User,
    reason: str,
    jti: str | None = None,
    user: str | None = None,
    organization: str | None = None,
) -> tuple[str, int]:
    """The officer's one revocation act: exactly one of a jti, a user or an organisation.

    Returns what was revoked and the serial of the document that now says so.
    The officer check comes first, so nobody else learns which ids exist.
    """
    require_officer(actor, "revoke tokens")
    given = [
        name
        for name, value in (("jti", jti), ("user", user), ("organization", organization))
        if value not in (None, "")
    ]
    if len(given) != 1:
        raise ValidationFailed(
            "Give exactly one of jti, user or organization.",
            fields={"non_field_errors": ["Give exactly one of jti, user or organization."]},
        )
    if jti:
        token_revoke(actor=actor, jti=jti, reason=reason)
    elif user:
        target = get_by_public_id(User.objects.all(), user, what="user")
        user_revoke(actor=actor, user=target, reason=reason)
    else:
        org = get_by_public_id(Organization.objects.all(), organization, what="organisation")
        organization_revoke(actor=actor, organization=org, reason=reason)
    serial = RevocationState.objects.filter(pk=1).values_list("serial", flat=True).first()
    return given[0], int(serial or 0)
