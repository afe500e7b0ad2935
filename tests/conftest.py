"""Shared fixtures: the people of documented access, API clients, the browser."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.mmdb import _demo_geoip, demo_geoip_databases  # noqa: F401 - fixtures

pytest_plugins = [
    "tests.support.people",
    "tests.support.browser",
    "tests.support.clock",
    "tests.support.flush",
]


def pytest_configure(config: pytest.Config) -> None:
    # Workers sharing one cache directory would empty each other's rate-limit
    # counters mid-test; the plugin that separates them must load before Django does.
    if os.environ.get("PYTEST_XDIST_WORKER") and not config.pluginmanager.has_plugin(
        "tests.support.workers"
    ):
        raise pytest.UsageError(
            "Parallel runs (-n) need -p tests.support.workers, which gives each worker its "
            "own cache, Redis database and var directory: run them with scripts/test.sh."
        )


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Hash test passwords cheaply, in every test and the live servers they start.

    The production hasher (Django's PBKDF2, a million rounds) spends about 0.4 s of CPU
    on each password by design; the tests make about a thousand people, and hashing was
    most of the suite's run time. Processes a test starts on its own (a quick-start
    server, a second web node) keep the production hasher: people who sign in to one
    are made in ``tests.support.factories.production_password_hashing``.
    """
    from django.test.utils import override_settings

    from tests.support.factories import FAST_PASSWORD_HASHERS

    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True, scope="session")
def _live_server_sends_at_once() -> Iterator[None]:
    """The live server's sockets send each write at once (TCP_NODELAY).

    Django's test server writes a response's headers and its body separately. On a
    kept-alive connection Nagle's algorithm then held the body until the client
    acknowledged the headers, which the client delays up to 40 ms: every request a
    browser or schemathesis sent the live server waited about 40 ms for nothing.
    """
    from django.test.testcases import QuietWSGIRequestHandler

    was = QuietWSGIRequestHandler.disable_nagle_algorithm
    QuietWSGIRequestHandler.disable_nagle_algorithm = True
    yield
    QuietWSGIRequestHandler.disable_nagle_algorithm = was


@pytest.fixture(autouse=True)
def _isolated_cache() -> None:
    """Throttle and rate-limit counters (and the counts claimed from them) must not leak
    from one test into the next, nor the place rules, API keys and memberships a process
    holds (read inside a test's transaction, rolled back)."""
    from django.core.cache import cache

    from accounts.throttling import leases
    from geo.selectors import embargoed_place_rules_forget
    from idverify.recent_reads import forget_all

    cache.clear()
    leases.forget()
    embargoed_place_rules_forget()
    forget_all()


@pytest.fixture(autouse=True)
def _media_root(tmp_path: object, settings: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path) + "/media"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: object) -> None:
    """Tests serve static files from the apps (no collectstatic manifest to look up)."""
    settings.STORAGES = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def seeded_places(db: None) -> None:
    """The embargoed places as the data migration seeds them.

    Tests that use a transactional database (live_server, broker tests) empty
    every table when they finish, seeded rows included, and a reused test
    database is not migrated again; so a test that relies on the seed asks for
    this fixture, which runs the migration's own (idempotent) seed function.
    """
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module("geo.migrations.0002_seed_embargoed_places")
    migration.seed(django_apps, None)
