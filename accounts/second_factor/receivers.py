"""What happens when a person adds or removes a second factor.

Connected in ``AccountsConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import (
    clear_authentication_records,
    record_authentication,
)
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from accounts.models import User
from accounts.second_factor.policy import SECOND_FACTOR_TYPES, has_second_factor
from accounts.selectors.users import is_privileged
from audit.services import audit_record


def on_authenticator_added(
    *, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    """Enrolling proves the person holds the new factor now, so the session counts as
    having passed it: a privileged person who enrols is not asked for a code at once
    again. (allauth asks for the password again before it lets anyone enrol.)"""
    if authenticator.type in SECOND_FACTOR_TYPES:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
        )


def on_authenticator_removed(
    *, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    """A privileged person who removed their last factor starts again from enrolment.

    allauth refuses to remove the last authenticator app of a privileged person
    (``SecondFactorAdapter``) but does not ask before removing a passkey.
    """
    if (
        authenticator.type in SECOND_FACTOR_TYPES
        and is_privileged(user)
        and not has_second_factor(user)
    ):
        clear_authentication_records(request)


def on_authenticator_saved(
    *, instance: Authenticator, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        _audit("mfa.authenticator_added", instance)


def on_authenticator_deleted(*, instance: Authenticator, **kwargs: Any) -> None:
    _audit("mfa.authenticator_removed", instance)


def _audit(action: str, authenticator: Authenticator) -> None:
    # In the transaction that saves or deletes the authenticator.
    user = authenticator.user
    audit_record(
        action=action,
        actor=user,
        subject_type="user",
        subject_id=user.public_id,
        data={"type": authenticator.type},
    )
