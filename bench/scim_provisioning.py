"""SCIM provisioning at scale, and how fast a deactivation reaches a running verifier.

    .venv/bin/python bench/scim_provisioning.py [--users 10000] [--clients 8] [--repeats 5]

Serves the project with gunicorn on a fresh PostgreSQL database (as
bench/issue_tokens.py does), for one verified organisation with a proven domain,
a SCIM token and a group mapped to sponsorship. Then:

1. provisions ``--users`` people with ``POST /scim/v2/Users`` (Okta's body shape),
   ``--clients`` keep-alive connections sending back to back;
2. deactivates every one with ``PATCH /scim/v2/Users/{id}``
   (``{"op": "replace", "value": {"active": false}}``, Okta's form); each one
   ends a membership and voids the person's tokens in the request;
3. measures ``GET /api/v1/me`` with an API key on the same server, the trivial
   authenticated endpoint, for comparison;
4. ``--repeats`` times: a person provisioned by SCIM, attested, sponsored through
   the mapped group, holding a live token that an ``idverify_verifier.Verifier``
   (polling the revocation document every ``--poll`` s) accepts, is deactivated
   by SCIM; the time from sending the PATCH to the verifier rejecting the token
   is recorded. Target: under 10 s.

Use ``--users 500`` for a quick run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from issue_tokens import (
    ROOT,
    US_ADDRESS,
    Run,
    Server,
    create_fixtures,
    free_port,
    measure,
    recreate_database,
    request_bytes,
    server_env,
    setup_django,
)

TARGET_SECONDS = 10.0
DOMAIN = "bench-corp.example"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


@dataclass
class Scim:
    token: str
    organization_id: str
    group_id: str = ""
    ids: list[str] = field(default_factory=list)


def scim_fixtures() -> Scim:
    from django.utils import timezone

    from accounts.models import Membership
    from scim.services.tokens import scim_token_create
    from tests.support.factories import MembershipFactory, OrganizationFactory

    organization = OrganizationFactory.create(
        legal_name="Bench Corp", website_domain=DOMAIN, domain_verified_at=timezone.now()
    )
    official = MembershipFactory.create(
        organization=organization,
        role=Membership.Role.SIGNING_OFFICIAL,
        user__email=f"official@{DOMAIN}",
    ).user
    created = scim_token_create(actor=official, organization=organization, name="bench")
    return Scim(token=created.plaintext, organization_id=str(organization.public_id))


def scim_request(method: str, path: str, token: str, body: dict[str, Any] | None) -> bytes:
    payload = json.dumps(body).encode() if body is not None else b""
    headers = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Authorization: Bearer {token}",
        "Accept: application/scim+json",
        "Content-Type: application/scim+json",
        f"Content-Length: {len(payload)}",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + payload


def okta_user(n: int) -> dict[str, Any]:
    address = f"person{n:06d}@{DOMAIN}"
    return {
        "schemas": [USER],
        "userName": address,
        "name": {"givenName": f"Given{n}", "familyName": f"Family{n}"},
        "emails": [{"primary": True, "value": address, "type": "work"}],
        "displayName": f"Given{n} Family{n}",
        "externalId": f"00u{n:017d}",
        "active": True,
    }


DEACTIVATE = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}


async def _worker(port: int, queue: list[bytes], run: Run) -> None:
    from issue_tokens import exchange

    connection = await asyncio.open_connection("127.0.0.1", port)
    try:
        while queue:
            connection = await exchange(port, connection, queue.pop(), run)
    finally:
        connection[1].close()


def drain(name: str, port: int, requests: list[bytes], clients: int) -> Run:
    """Send every request once over ``clients`` connections; the run's rate is over the
    wall-clock time it took."""
    queue = list(reversed(requests))
    run = Run(name=name, seconds=0.0)
    started = time.perf_counter()

    async def go() -> None:
        await asyncio.gather(*(_worker(port, queue, run) for _ in range(clients)))

    asyncio.run(go())
    run.seconds = time.perf_counter() - started
    return run


def call(base: str, method: str, path: str, token: str, body: Any = None) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the local bench server
        f"{base}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/scim+json" if "/scim/" in path else "application/json",
            "X-Forwarded-For": US_ADDRESS,
        },
        method=method,
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        raw = response.read()
        return json.loads(raw) if raw else {}


def sponsored_person(base: str, scim: Scim, n: int) -> tuple[str, str]:
    """A person SCIM provisions and sponsors through the mapped group, with an API key."""
    from accounts.models import User
    from accounts.services.api_keys import api_key_create
    from attestations.models import UsPersonStatus
    from tests.attestations.factories import AttestationFactory

    created = call(base, "POST", "/scim/v2/Users", scim.token, okta_user(900_000 + n))
    user = User.objects.get(email=created["userName"])
    AttestationFactory.create(user=user, status=UsPersonStatus.US_CITIZEN)
    call(
        base,
        "PATCH",
        f"/scim/v2/Groups/{scim.group_id}",
        scim.token,
        {"schemas": [PATCH], "Operations": [
            {"op": "add", "path": "members", "value": [{"value": created["id"]}]}
        ]},
    )  # fmt: skip
    return created["id"], api_key_create(user=user, name="bench").plaintext


def propagation(
    base: str, env: dict[str, str], scim: Scim, repeats: int, poll: float
) -> list[float]:
    import sys

    # This checkout's verifier, whatever another checkout installed into a shared venv.
    sys.path.insert(0, str(ROOT / "verifier" / "src"))
    from idverify_verifier import InvalidToken, Verifier

    verifier = Verifier(
        issuer=env["IDV_BASE_URL"],
        audience="fable-5",
        jwks_url=f"{base}/.well-known/jwks.json",
        revocations_url=f"{base}/api/v1/revocations",
        poll_interval=poll,
    )
    verifier.start()
    timings = []
    try:
        for repeat in range(repeats):
            scim_id, key = sponsored_person(base, scim, repeat)
            token = call(base, "POST", "/api/v1/tokens", key, {"model": "fable-5"})["token"]
            verifier.refresh()
            verifier.verify(token)
            time.sleep((repeat * 0.37 * poll) % poll)  # anywhere in the poll cycle
            started = time.monotonic()
            call(base, "PATCH", f"/scim/v2/Users/{scim_id}", scim.token, DEACTIVATE)
            while time.monotonic() - started < 3 * TARGET_SECONDS:
                try:
                    verifier.verify(token)
                except InvalidToken:
                    timings.append(time.monotonic() - started)
                    break
                time.sleep(0.01)
            else:
                raise SystemExit(f"repeat {repeat}: the token was never rejected")
    finally:
        verifier.close()
    return timings


def report(label: str, run: Run, expected: int) -> None:
    wrong = {s: n for s, n in run.statuses.items() if s != expected}
    if wrong:
        raise SystemExit(f"{label}: unexpected statuses {wrong}")
    print(
        f"{label:<36}{run.rate:>12.1f}{run.percentile(0.50):>10.1f}"
        f"{run.percentile(0.99):>10.1f}{len(run.latencies):>10}{run.seconds:>10.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--me-seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--poll", type=float, default=5.0, help="verifier poll interval, s")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="idverify-bench-") as tmp:
        var_dir = Path(tmp)
        port = free_port()
        env = server_env(port, var_dir)
        recreate_database(env)
        setup_django(env)
        fixtures = create_fixtures(args.clients, var_dir)
        scim = scim_fixtures()
        server = Server(env, port, workers=args.workers, threads=args.threads)
        base = f"http://127.0.0.1:{port}"
        try:
            group = call(base, "POST", "/scim/v2/Groups", scim.token,
                         {"schemas": [GROUP], "displayName": "U.S. persons"})  # fmt: skip
            scim.group_id = group["id"]
            _map_group(scim)
            posts = [
                scim_request("POST", "/scim/v2/Users", scim.token, okta_user(n))
                for n in range(args.users)
            ]
            provisioned = drain("provision", port, posts, args.clients)
            ids = _provisioned_ids(scim)
            patches = [
                scim_request("PATCH", f"/scim/v2/Users/{i}", scim.token, DEACTIVATE) for i in ids
            ]
            deactivated = drain("deactivate", port, patches, args.clients)
            me_requests = [
                request_bytes("GET", "/api/v1/me", key, None) for key in fixtures.person_keys
            ]
            measure("warm-up", port, me_requests, 2.0)
            me = measure("me", port, me_requests, args.me_seconds)
            timings = propagation(base, env, scim, args.repeats, args.poll)
        finally:
            server.stop()

    print(
        f"SCIM provisioning, {args.users} people, {args.clients} clients, gunicorn "
        f"{args.workers} workers x {args.threads} threads, {os.cpu_count()} CPUs, PostgreSQL"
    )
    print()
    print(f"{'endpoint':<36}{'requests/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}"
          f"{'seconds':>10}")  # fmt: skip
    report("POST /scim/v2/Users", provisioned, 201)
    report("PATCH /scim/v2/Users/{id} (deactivate)", deactivated, 204)
    report("GET /api/v1/me (baseline)", me, 200)
    print()
    print(
        f"provisioning / baseline: {provisioned.rate / me.rate:.0%}; "
        f"deactivation / baseline: {deactivated.rate / me.rate:.0%}"
    )
    verdict = "met" if max(timings) < TARGET_SECONDS else "NOT met"
    print(
        f"deactivation PATCH to verifier rejecting ({args.repeats} repeats, poll {args.poll:g} s): "
        f"median {statistics.median(timings):.2f} s, max {max(timings):.2f} s "
        f"(target < {TARGET_SECONDS:.0f} s: {verdict})"
    )


def _map_group(scim: Scim) -> None:
    from accounts.models import Membership, Organization
    from scim.services.sponsor_mapping import scim_sponsor_mapping_set

    organization = Organization.objects.get(public_id=scim.organization_id)
    official = Membership.objects.get(organization=organization, role="signing_official").user
    scim_sponsor_mapping_set(
        actor=official,
        organization=organization,
        group_public_id=scim.group_id,
        basis="Bench: HR records, U.S. person per I-9",
    )


def _provisioned_ids(scim: Scim) -> list[str]:
    from scim.models import ScimUser

    return [
        str(pid)
        for pid in ScimUser.objects.filter(organization__public_id=scim.organization_id)
        .order_by("id")
        .values_list("public_id", flat=True)
    ]


if __name__ == "__main__":
    main()
