"""The attestations app's areas in the site navigation: verification and the review queue."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from accounts.models import User
from accounts.navigation import viewer_is_officer
from attestations.selectors import review_queue
from idverify.navigation import NavItem, nav_provider


@nav_provider("attestations")
def attestations_nav(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not isinstance(user, User):
        return []
    items = [
        NavItem(
            "Verification",
            reverse("verification-status"),
            "Your verification level, what each model needs, and the next step: sign "
            "your attestation, add a document.",
            order=10,
            prefixes=("/status/", "/attest/", "/documents/"),
        )
    ]
    if viewer_is_officer(request):
        waiting = review_queue(viewer=user).count()
        items.append(
            NavItem(
                "Review queue",
                reverse("review-list"),
                "Documents waiting for a compliance officer's decision, oldest first.",
                order=40,
                prefixes=("/review/",),
                count=waiting,
                count_label="document waiting" if waiting == 1 else "documents waiting",
            )
        )
    return items
