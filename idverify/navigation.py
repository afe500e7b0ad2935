"""The site's navigation: every area a signed-in person may use, in the header and on
the home page.

Apps register a provider in ``AppConfig.ready`` (as they register readiness
checks); a provider looks at the request's person and returns the areas open to
them. The project package knows no app; the apps know their own areas and who
may enter them, so a link is shown exactly when its page would let the person in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    # One sentence for the home page: what the person does there.
    description: str
    order: int
    # Paths inside the area, so its link is marked as the current page.
    prefixes: tuple[str, ...] = ()
    # A figure shown beside the label (e.g. documents waiting), with its words for
    # screen readers.
    count: int | None = None
    count_label: str = ""
    current: bool = False


NavProvider = Callable[[HttpRequest], Iterable[NavItem]]
_providers: dict[str, NavProvider] = {}


def nav_provider(name: str) -> Callable[[NavProvider], NavProvider]:
    """Register a provider under ``name`` (idempotent on re-import)."""

    def register(func: NavProvider) -> NavProvider:
        _providers[name] = func
        return func

    return register


def nav_items(request: HttpRequest) -> list[NavItem]:
    """The areas open to the request's person, in order, the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = sorted(
        (item for provider in _providers.values() for item in provider(request)),
        key=lambda item: item.order,
    )
    path = request.path
    return [
        replace(item, current=any(path.startswith(prefix) for prefix in item.prefixes))
        for item in items
    ]


@nav_provider("admin")
def _admin(request: HttpRequest) -> list[NavItem]:
    """Django's admin, only for those it would show something to (not a bare "no
    permission" page for staff without model permissions)."""
    from django.urls import reverse

    user = request.user
    if not (user.is_active and user.is_staff):
        return []
    if not (user.is_superuser or user.get_all_permissions()):
        return []
    return [
        NavItem(
            "Admin",
            reverse("admin:index"),
            "Django's administration pages: records, API keys and model clients.",
            order=95,
            prefixes=("/admin/",),
        )
    ]
