"""Whether a request may go on: the person's duty to use a second factor and the session's proof.

A session passed the second factor when allauth recorded an ``mfa``
authentication in it: a TOTP or recovery code at sign-in or on the
re-authentication page, a passkey sign-in, or (``receivers``) enrolling the
first authenticator app or passkey in this session.
"""

from __future__ import annotations

import enum

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import User
from accounts.selectors.users import is_privileged
from idverify.errors import PermissionDenied

# What counts as a second factor. Recovery codes are a way back in, not a factor
# of their own: allauth makes them alongside the first app or passkey.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class Standing(enum.Enum):
    PASSED = "passed"  # this session passed a second factor
    NOT_REQUIRED = "not_required"  # not privileged, and did not use one
    ENROL = "enrol"  # privileged, and has no second factor yet
    VERIFY = "verify"  # privileged, has one, but this session has not used it


class SecondFactorEnrolmentRequired(PermissionDenied):
    code = "mfa_enrolment_required"
    default_message = (
        "Compliance officers, signing officials and organisation admins must sign in "
        "with a second factor. Set up an authenticator app or a passkey first."
    )


class SecondFactorRequired(PermissionDenied):
    code = "mfa_required"
    default_message = (
        "This needs a session that passed your second factor. Confirm it with your "
        "authenticator app, passkey or a recovery code, then try again."
    )


def session_passed_second_factor(request: HttpRequest, user: User) -> bool:
    records: list[dict[str, object]] = get_authentication_records(request, user)
    return any(record.get("method") == "mfa" for record in records)


def has_second_factor(user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists())


def second_factor_standing(request: HttpRequest, user: User) -> Standing:
    # The session first: a person who passed costs no query on every request.
    if session_passed_second_factor(request, user):
        return Standing.PASSED
    if not is_privileged(user):
        return Standing.NOT_REQUIRED
    return Standing.VERIFY if has_second_factor(user) else Standing.ENROL


def enrol_url() -> str:
    return reverse("mfa_index")


def verify_url(user: User) -> str:
    """allauth's re-authentication page for the factor the person has."""
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return reverse("mfa_reauthenticate")
    return reverse("mfa_reauthenticate_webauthn")


def standing_error(standing: Standing, user: User) -> PermissionDenied:
    """The error for a person who may not go on, with the page that lets them."""
    if standing is Standing.ENROL:
        return SecondFactorEnrolmentRequired(extra={"url": enrol_url()})
    return SecondFactorRequired(extra={"url": verify_url(user)})
