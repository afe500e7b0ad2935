"""The entitlements app's area in the site navigation: the compliance console."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from accounts.navigation import viewer_is_officer
from idverify.navigation import NavItem, nav_provider


@nav_provider("entitlements")
def entitlements_nav(request: HttpRequest) -> list[NavItem]:
    if not viewer_is_officer(request):
        return []
    return [
        NavItem(
            "Compliance console",
            reverse("console"),
            "Model tiers and their directives, decisions of the last day, a person's "
            "tokens and access.",
            order=50,
            prefixes=("/console/",),
        )
    ]
