"""Each configuration invariant is a system check with its own id."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _ids() -> set[str]:
    return {message.id for message in run_checks(include_deployment_checks=False) if message.id}


def test_the_test_configuration_passes_every_error_check() -> None:
    assert not {i for i in _ids() if i.startswith("idverify.E")}


@override_settings(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
)
def test_sqlite_outside_the_quick_start_is_refused() -> None:
    from idverify.checks import check_database_engine

    assert [m.id for m in check_database_engine(None)] == ["idverify.E001"]
    with override_settings(QUICKSTART=True):
        assert check_database_engine(None) == []


@pytest.mark.parametrize(
    ("setting", "value", "check_id"),
    [
        ("IDV_KEY_ENCRYPTION_KEY", "too-short", "idverify.E002"),
        ("IDV_KEY_ENCRYPTION_KEY_PREVIOUS", ["not base64 at all!"], "idverify.E003"),
        ("ALLOWED_HOSTS", ["*"], "idverify.E004"),
        ("ALLOWED_HOSTS", [], "idverify.E005"),
        ("IDV_BASE_URL", "idverify.example.com", "idverify.E006"),
        ("SECRET_KEY", "short", "idverify.E007"),
        ("IDV_TRUSTED_PROXIES", ["10.0.0.0/8", "not-a-network"], "geo.E001"),
        ("DEBUG", True, "idverify.W002"),
        ("CELERY_BROKER_URL", None, "idverify.W003"),
    ],
)
def test_each_invariant_has_its_check(setting: str, value: object, check_id: str) -> None:
    with override_settings(**{setting: value}):
        assert check_id in _ids()


def test_http_issuer_outside_the_quick_start_is_warned_about() -> None:
    with override_settings(IDV_BASE_URL="http://idverify.example.com"):
        assert "idverify.W001" in _ids()
    with override_settings(IDV_BASE_URL="https://idverify.example.com"):
        assert "idverify.W001" not in _ids()


_PER_PROCESS = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_a_cache_each_process_keeps_to_itself_is_refused_outside_the_quick_start() -> None:
    # Each gunicorn worker would count its own wrong passwords and failed keys.
    with override_settings(CACHES=_PER_PROCESS):
        assert "idverify.E008" in _ids()
        with override_settings(QUICKSTART=True):
            assert "idverify.E008" not in _ids()
    assert "idverify.E008" not in _ids()
