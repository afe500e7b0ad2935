from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from accounts.selectors import is_compliance_officer


def onboarding(request: HttpRequest) -> dict[str, object]:
    """Whether to show the review queue link; evaluated only when a template asks."""
    user = getattr(request, "user", None)
    return {
        "onboarding_is_officer": SimpleLazyObject(
            lambda: isinstance(user, User) and is_compliance_officer(user)
        )
    }
