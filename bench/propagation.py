"""Seconds from a directive change to a running verifier rejecting the tier's tokens.

    .venv/bin/python bench/propagation.py [--repeats 5] [--poll 5]

Serves the project with gunicorn on a fresh PostgreSQL database (as
bench/issue_tokens.py does), starts an ``idverify_verifier.Verifier`` polling the
revocation document over HTTP every ``--poll`` seconds (the verifier's default is
5), obtains a token, then POSTs ``/api/v1/tiers/fable-5/directive`` as a compliance
officer and times how long until ``verify`` raises. Each repeat alternates the
directive (suspended, then open with a new token, which the epoch voids).

Target: under 10 s from the API call to the verifier rejecting. The expected
figure is at most one poll interval plus one request.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from issue_tokens import (
    US_ADDRESS,
    Server,
    create_fixtures,
    free_port,
    recreate_database,
    server_env,
    setup_django,
)

TARGET_SECONDS = 10.0


def post(url: str, key: str, body: dict[str, str]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the local bench server
        url,
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "X-Forwarded-For": US_ADDRESS,
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        result: dict[str, Any] = json.loads(response.read())
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--poll", type=float, default=5.0, help="verifier poll interval, s")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="idverify-bench-") as tmp:
        var_dir = Path(tmp)
        port = free_port()
        env = server_env(port, var_dir)
        recreate_database(env)
        setup_django(env)
        fixtures = create_fixtures(1, var_dir)
        server = Server(env, port, workers=2, threads=4)
        base = f"http://127.0.0.1:{port}"
        from idverify_verifier import InvalidToken, Verifier

        verifier = Verifier(
            issuer=env["IDV_BASE_URL"],
            audience="fable-5",
            jwks_url=f"{base}/.well-known/jwks.json",
            revocations_url=f"{base}/api/v1/revocations",
            poll_interval=args.poll,
        )
        verifier.start()
        results: list[tuple[str, float, str]] = []
        try:
            for repeat in range(args.repeats):
                state = "suspended" if repeat % 2 == 0 else "open"
                if state == "open":
                    # Let the suspension go, so the next token can be issued at all.
                    post(f"{base}/api/v1/tiers/fable-5/directive", fixtures.officer_key,
                         {"state": "open", "reason": "bench: reopen"})  # fmt: skip
                token = post(
                    f"{base}/api/v1/tokens", fixtures.person_keys[0], {"model": "fable-5"}
                )["token"]
                verifier.refresh()  # see the reopening now rather than at the next poll
                verifier.verify(token)
                # Start at a random point of the poll cycle, as a real click would.
                time.sleep((repeat * 0.37 * args.poll) % args.poll)
                started = time.monotonic()
                post(
                    f"{base}/api/v1/tiers/fable-5/directive",
                    fixtures.officer_key,
                    {"state": state, "reason": f"bench repeat {repeat}"},
                )
                code = ""
                while time.monotonic() - started < 3 * TARGET_SECONDS:
                    try:
                        verifier.verify(token)
                    except InvalidToken as rejection:
                        code = rejection.code
                        break
                    time.sleep(0.01)
                results.append((state, time.monotonic() - started, code or "never rejected"))
        finally:
            verifier.close()
            server.stop()

    print(f"directive propagation, verifier polling every {args.poll:g} s, {args.repeats} repeats")
    print()
    print(f"{'repeat':<8}{'directive':<12}{'seconds':>9}  rejection")
    for n, (state, seconds, code) in enumerate(results, start=1):
        print(f"{n:<8}{state:<12}{seconds:>9.2f}  {code}")
    timings = [s for _, s, code in results if code != "never rejected"]
    if len(timings) != len(results):
        raise SystemExit("a token was never rejected")
    print()
    verdict = "met" if max(timings) < TARGET_SECONDS else "NOT met"
    print(
        f"median {statistics.median(timings):.2f} s, max {max(timings):.2f} s   "
        f"(target < {TARGET_SECONDS:.0f} s: {verdict}; "
        f"bound: poll interval {args.poll:g} s + one request)"
    )


if __name__ == "__main__":
    main()
