"""Failed credentials are counted per address and per credential, in a cache every process
shares; a valid credential always gets in."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts import api_keys
from accounts.models import User
from accounts.services.api_keys import api_key_create
from entitlements.services.clients import CLIENT_ID_PREFIX, model_client_create
from entitlements.services.tokens import token_issue
from idverify.secret_tokens import checksum
from tests.entitlements.support import person, signals, tier
from tests.support.api import assert_api_error

ROOT = Path(__file__).resolve().parents[2]
ATTACKER = "198.51.100.7"


def _me(key: str, address: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return int(client.get("/api/v1/me", REMOTE_ADDR=address).status_code)


def _well_formed_key(start: str = "") -> str:
    """A key that passes the checksum (so it is looked up) and begins with ``start``."""
    body = (start + uuid.uuid4().hex + uuid.uuid4().hex)[:30]
    return api_keys.PREFIX + body + checksum(body)


@pytest.mark.django_db
def test_an_attacker_failing_from_your_address_does_not_lock_out_your_api_key(
    owner: User, settings: Settings
) -> None:
    settings.IDV_AUTH_FAILURES_PER_MINUTE = 3
    key = api_key_create(user=owner, name="ci").plaintext
    # Behind one NAT or office proxy, someone tries made-up keys.
    assert [_me(_well_formed_key(), ATTACKER) for _ in range(5)] == [401, 401, 401, 429, 429]
    assert [_me("idv_pat_typo", ATTACKER) for _ in range(2)] == [429, 429]
    assert _me(key, ATTACKER) == 200


@pytest.mark.django_db
def test_failures_against_one_key_prefix_are_throttled_from_every_address(
    owner: User, settings: Settings
) -> None:
    settings.IDV_AUTH_FAILURES_PER_MINUTE = 3
    key = api_key_create(user=owner, name="ci").plaintext
    start = key[len(api_keys.PREFIX) : len(api_keys.PREFIX) + 4]
    # Someone who saw the key's visible prefix guesses the rest from many addresses.
    guesses = [_me(_well_formed_key(start), f"203.0.113.{n}") for n in range(1, 6)]
    assert guesses == [401, 401, 401, 429, 429]
    # Other keys are not affected, and the real key still works.
    assert _me(_well_formed_key(), "203.0.113.50") == 401
    assert _me(key, "203.0.113.51") == 200


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _introspect(client_id: str, secret: str, address: str, token: str) -> int:
    response = Client().post(
        "/api/v1/introspect",
        {"token": token},
        headers={"Authorization": _basic(client_id, secret)},
        REMOTE_ADDR=address,
    )
    return int(response.status_code)


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_places")
def test_failures_of_other_model_clients_do_not_lock_out_a_valid_one(settings: Settings) -> None:
    settings.IDV_AUTH_FAILURES_PER_MINUTE = 3
    fable = tier("fable-5", min_level=2)
    created = model_client_create(name="fable fleet", tier_slug="fable-5")
    outcome = token_issue(user=person(2), tier=fable, signals=signals())
    assert outcome.token is not None
    client_id, secret = created.client.client_id, created.client_secret
    # From the same address: made-up client ids, then the real id with a wrong secret.
    made_up = [
        _introspect(f"{CLIENT_ID_PREFIX}{n}", "guess", ATTACKER, outcome.token) for n in range(4)
    ]
    assert made_up == [401, 401, 401, 429]
    assert _introspect(client_id, secret, ATTACKER, outcome.token) == 200
    # The real id guessed at from many addresses: each further guess is told to wait...
    guesses = [_introspect(client_id, "guess", f"203.0.113.{n}", outcome.token) for n in range(5)]
    assert guesses == [401, 401, 401, 429, 429]
    # ...and the model API holding the secret still gets in, from anywhere.
    assert _introspect(client_id, secret, "203.0.113.99", outcome.token) == 200


@pytest.mark.django_db
def test_a_throttled_failure_says_how_long_to_wait(owner: User, settings: Settings) -> None:
    settings.IDV_AUTH_FAILURES_PER_MINUTE = 1
    guess = APIClient()
    guess.credentials(HTTP_AUTHORIZATION=f"Bearer {_well_formed_key()}")
    assert guess.get("/api/v1/me").status_code == 401
    response = guess.get("/api/v1/me")
    assert_api_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60


# --- Across processes ----------------------------------------------------------------

_COUNT_THREE_FAILURES = """
from idverify.credential_failures import CredentialAttempt
attempt = CredentialAttempt(scope="test", address={address!r})
print(" ".join(str(attempt.failed("no").status_code) for _ in range(3)))
"""


def _failures_in_a_new_process(address: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - the code is the test's own
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            _COUNT_THREE_FAILURES.format(address=address),
        ],
        cwd=ROOT,
        env={**env, "IDV_AUTH_FAILURES_PER_MINUTE": "5", "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _two_processes_fail_in_turn(env: dict[str, str]) -> tuple[str, str]:
    """Three failures in one process, then three in another, inside one counting minute."""
    for _ in range(3):
        minute = int(time.time() // 60)
        address = f"test-{uuid.uuid4().hex}"
        first = _failures_in_a_new_process(address, env)
        second = _failures_in_a_new_process(address, env)
        if int(time.time() // 60) == minute:
            return first, second
    pytest.fail("every try straddled a minute boundary")


def test_two_processes_sharing_redis_count_failures_together() -> None:
    redis_url = os.environ.get("IDV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    env = {**os.environ, "CACHE_URL": redis_url}
    first, second = _two_processes_fail_in_turn(env)
    assert first == "401 401 401"
    # The limit is 5 in all: the second process knows about the first one's three.
    assert second == "401 401 429"


def test_the_quick_start_processes_share_their_counts_too(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CACHE_URL", "DATABASE_URL", "SECRET_KEY", "IDV_KEY_ENCRYPTION_KEY")
    }
    env.update(IDV_QUICKSTART="1", IDV_VAR_DIR=str(tmp_path))
    first, second = _two_processes_fail_in_turn(env)
    assert (first, second) == ("401 401 401", "401 401 429")
    assert (tmp_path / "cache").is_dir()
