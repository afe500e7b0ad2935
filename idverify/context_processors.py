from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from idverify.navigation import nav_items


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "IDV_QUICKSTART": settings.QUICKSTART,
        "IDV_SITE_NAME": settings.IDV_SITE_NAME,
        # Lazy: the queries behind it run only when a page shows the navigation.
        "nav": SimpleLazyObject(lambda: nav_items(request)),
    }
