"""The URL table's order is a speed choice only: the API's patterns come first, the
entitlements API first among them. That is safe only while no two apps' API patterns
match the same path, and no web pattern matches an API path."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver

from idverify.urls import api_patterns

API_APPS = ("entitlements", "accounts", "attestations", "screening")


def _sample(route: str) -> str:
    """A path the route matches: each converter filled with a value it accepts."""
    return re.sub(r"<(?:(\w+):)?\w+>", "00000000-0000-4000-8000-000000000000", route)


def _routes(app: str) -> list[str]:
    patterns = import_module(f"{app}.api_urls").urlpatterns
    return [str(pattern.pattern) for pattern in patterns]


def _matches(pattern: URLPattern | URLResolver, path: str) -> bool:
    try:
        return pattern.resolve(path) is not None
    except Resolver404:  # an include() that holds no match
        return False


@pytest.mark.parametrize("app", API_APPS)
def test_no_other_apps_api_pattern_matches_this_apps_paths(app: str) -> None:
    others = [
        pattern
        for other in API_APPS
        if other != app
        for pattern in import_module(f"{other}.api_urls").urlpatterns
    ]
    for route in _routes(app):
        path = _sample(route)
        clashes = [str(p.pattern) for p in others if _matches(p, path)]
        assert clashes == [], f"{app}'s {route!r} is also matched by {clashes}"


def test_the_entitlements_api_is_tried_first() -> None:
    first = api_patterns[0]
    assert isinstance(first, URLResolver)
    assert first.urlconf_name.__name__ == "entitlements.api_urls"  # type: ignore[union-attr]


def test_no_web_pattern_starts_with_the_api_prefix() -> None:
    web = [p for p in get_resolver().url_patterns if str(p.pattern) != "api/v1/"]
    for app in API_APPS:
        for route in _routes(app):
            path = "api/v1/" + _sample(route)
            clashes = [str(pattern.pattern) for pattern in web if _matches(pattern, path)]
            assert clashes == [], f"/{path} is also matched by web patterns {clashes}"
