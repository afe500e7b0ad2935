"""The screening app's area in the site navigation: potential matches to review."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from accounts.navigation import viewer_is_officer
from idverify.navigation import NavItem, nav_provider
from screening.models import ScreeningMatch


@nav_provider("screening")
def screening_nav(request: HttpRequest) -> list[NavItem]:
    if not viewer_is_officer(request):
        return []
    waiting = ScreeningMatch.objects.filter(status=ScreeningMatch.Status.PENDING).count()
    return [
        NavItem(
            "Screening matches",
            reverse("screening-queue"),
            "Potential restricted-party matches: the screened data beside the list entry; "
            "clear or confirm them.",
            order=45,
            prefixes=("/screening/",),
            count=waiting,
            count_label="match waiting" if waiting == 1 else "matches waiting",
        )
    ]
