"""Two web nodes, run from the Procfile, sharing one PostgreSQL and one Redis.

What makes the web tier stateless, shown with real processes: a token issued
by one node verifies against the other's JWKS, a directive set on one reaches
a verifier polling the other within the target, a key rotated through one is
used by the other without a restart, both count the same rate limits, and a
session begun on one is honoured by the other. The database is this run's
test database (the test commits its rows); the Redis is a private one.
"""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import User
from accounts.services.api_keys import api_key_create
from entitlements.services.keys import SIGNER_CACHE_SECONDS, signing_keys_ensure
from idverify_verifier import InvalidToken, Verifier
from tests.entitlements.support import person, tier
from tests.support.factories import PASSWORD, production_password_hashing
from tests.support.nodes import (
    WebNode,
    http,
    manage,
    node_env,
    private_redis,
    this_run_database_url,
    web_nodes,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TARGET_SECONDS = 10.0
FAILURES_ALLOWED = 4


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with private_redis() as redis:
        static_root = tmp_path / "static"
        manage(node_env(STATIC_ROOT=str(static_root)), "collectstatic", "--noinput", "-v0")
        yield node_env(
            STATIC_ROOT=str(static_root),
            DATABASE_URL=this_run_database_url(),
            CACHE_URL=redis.url,
            IDV_VAR_DIR=str(tmp_path / "var"),
            IDV_AUTH_FAILURES_PER_MINUTE=str(FAILURES_ALLOWED),
            IDV_GEOIP_CITY_DB=str(settings.IDV_GEOIP_CITY_DB),
            IDV_GEOIP_ANONYMOUS_DB=str(settings.IDV_GEOIP_ANONYMOUS_DB),
        )


@pytest.fixture
def nodes(tmp_path: Path, env: dict[str, str]) -> Iterator[tuple[WebNode, WebNode]]:
    tier("fable-5", min_level=2)
    signing_keys_ensure()
    with web_nodes(tmp_path, env, "a", "b") as (a, b):
        assert a.port != b.port
        yield a, b


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key_create(user=user, name='two nodes').plaintext}"}


def issue(node: WebNode, auth: dict[str, str]) -> str:
    answer = http("POST", f"{node.url}/api/v1/tokens", body={"model": "fable-5"}, headers=auth)
    assert answer.status == 201, answer.body[:500]
    token: str = answer.json()["token"]
    return token


def kid_of(token: str) -> str:
    header = token.split(".", 1)[0]
    kid: str = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]
    return kid


def verifier_polling(node: WebNode) -> Verifier:
    return Verifier(
        issuer=settings.IDV_BASE_URL,
        audience="fable-5",
        jwks_url=f"{node.url}/.well-known/jwks.json",
        revocations_url=f"{node.url}/api/v1/revocations",
        poll_interval=1.0,
    )


def rejection_code(verifier: Verifier, token: str, *, within: float) -> str | None:
    """The code the verifier refuses ``token`` with, polling until ``within`` seconds pass."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            verifier.verify(token)
        except InvalidToken as rejection:
            return rejection.code
        time.sleep(0.05)
    return None


def check_a_token_from_one_node_verifies_against_the_others_keys_and_directives(
    a: WebNode, b: WebNode, officer: User
) -> None:
    token = issue(a, bearer(person(2)))
    verifier = verifier_polling(b)
    try:
        verifier.start()
        assert verifier.verify(token).aud == "fable-5"

        directive = http(
            "POST",
            f"{a.url}/api/v1/tiers/fable-5/directive",
            body={"state": "suspended", "reason": "Emergency order 2026-12"},
            headers=bearer(officer),
        )
        assert directive.status == 200, directive.body[:500]
        started = time.monotonic()
        assert rejection_code(verifier, token, within=TARGET_SECONDS) == "revoked.tier_suspended"
        assert time.monotonic() - started < TARGET_SECONDS
    finally:
        verifier.close()


def check_a_key_rotated_through_one_node_is_used_by_the_other_without_a_restart(
    a: WebNode, b: WebNode, env: dict[str, str]
) -> None:
    auth = bearer(person(2))
    before = issue(b, auth)
    # The operator's command, with node a's configuration (what its container would run).
    manage(env, "rotate_signing_keys", "--force")
    # Each process re-reads the active key every SIGNER_CACHE_SECONDS: no restart needed.
    started = time.monotonic()
    after = issue(b, auth)
    while kid_of(after) == kid_of(before) and time.monotonic() - started < SIGNER_CACHE_SECONDS + 3:
        time.sleep(0.5)
        after = issue(b, auth)
    assert kid_of(after) != kid_of(before), "node b still signs with the key rotated out"
    assert kid_of(issue(a, auth)) == kid_of(after)
    verifier = verifier_polling(a)
    try:
        verifier.start()
        assert verifier.verify(after).aud == "fable-5"
        assert verifier.verify(before).aud == "fable-5"  # the retiring key is still published
    finally:
        verifier.close()


def check_rate_limits_are_counted_across_both_nodes(a: WebNode, b: WebNode) -> None:
    if time.time() % 60 > 50:  # the counts are per minute: start inside one
        time.sleep(61 - time.time() % 60)
    wrong = {"Authorization": "Bearer idv_pat_notakey_0000000000000000000000000000"}
    statuses = [
        http("GET", f"{node.url}/api/v1/me", headers=wrong).status for node in (a, b, a, b, a, b)
    ]
    # Counted per node, each would allow FAILURES_ALLOWED and answer six 401s.
    assert statuses == [401] * FAILURES_ALLOWED + [429] * 2, statuses


def check_a_session_begun_on_one_node_is_honoured_by_the_other(a: WebNode, b: WebNode) -> None:
    # The nodes are processes of their own, with the project's password hasher.
    with production_password_hashing():
        someone = person(1)
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = http("GET", f"{a.url}/accounts/login/", opener=browser)
    assert page.status == 200
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert found, page.body[:500]
    form = (
        f"csrfmiddlewaretoken={found.group(1).decode()}&login={someone.email}&password={PASSWORD}"
    )
    signed_in = http(
        "POST",
        f"{a.url}/accounts/login/",
        body=form.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": a.url + "/"},
        opener=browser,
    )
    assert signed_in.status == 200, signed_in.body[:500]
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    assert session, "node a set no session cookie"
    me = http("GET", f"{b.url}/api/v1/me", headers={"Cookie": f"sessionid={session}"})
    assert me.status == 200, me.body[:500]
    assert me.json()["email"] == someone.email


def test_two_web_nodes_serve_as_one(
    nodes: tuple[WebNode, WebNode], env: dict[str, str], officer: User
) -> None:
    """One pair of nodes for every check (each start costs seconds); the suspension,
    which stops issuance, comes last."""
    a, b = nodes
    check_a_session_begun_on_one_node_is_honoured_by_the_other(a, b)
    check_rate_limits_are_counted_across_both_nodes(a, b)
    check_a_key_rotated_through_one_node_is_used_by_the_other_without_a_restart(a, b, env)
    check_a_token_from_one_node_verifies_against_the_others_keys_and_directives(a, b, officer)
