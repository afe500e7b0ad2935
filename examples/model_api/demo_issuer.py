"""A stand-in issuer for trying the example model API without running idverify.

It publishes its metadata, a JWKS and a signed revocation document on localhost, exactly
where the service would, prints the environment for app.py and a fresh token, then serves until
interrupted. Type a tier state (open, us_persons_only, suspended) and Enter to issue a
directive and watch the model API react within seconds. For trying things only: the
key lives in memory and the tokens come from the test helpers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier.testing import TokenFactory, jwks, revocation_document, revocations_payload
from idverify_verifier.testing.doubles import JWKS_PATH, REVOCATIONS_PATH, issuer_server

KID = "demo-key"
# The revocation document's lifetime; it is re-signed every half of it.
TTL_SECONDS = 10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="fable-5")
    args = parser.parse_args(argv)
    key = Ed25519PrivateKey.generate()
    with issuer_server() as server:
        issuer = server.base_url
        lock = threading.Lock()
        serial, epoch, state = 0, 1, "open"

        def publish() -> None:
            # Every document is newly signed and short-lived, with a higher serial, as
            # the service's heartbeat does: verifiers judge freshness by it alone.
            nonlocal serial
            with lock:
                serial += 1
                now = int(time.time())
                document = revocations_payload(
                    issuer=issuer,
                    serial=serial,
                    iat=now,
                    exp=now + TTL_SECONDS,
                    tiers={args.tier: {"state": state, "epoch": epoch}},
                )
                server.publish(REVOCATIONS_PATH, revocation_document(key, KID, document))

        def heartbeat(stop: threading.Event) -> None:
            while not stop.wait(TTL_SECONDS / 2):
                publish()

        server.publish(JWKS_PATH, json.dumps(jwks((key, KID))))
        server.publish(
            "/.well-known/idverify",
            json.dumps(
                {
                    "issuer": issuer,
                    "jwks_uri": server.jwks_url,
                    "revocation_document_endpoint": server.revocations_url,
                }
            ),
        )
        publish()
        stop = threading.Event()
        threading.Thread(target=heartbeat, args=(stop,), daemon=True).start()
        token = TokenFactory(
            key=key, kid=KID, issuer=issuer, audience=args.tier, now=int(time.time())
        ).mint()
        print(  # noqa: T201 - a command-line program
            f"export IDV_URL={issuer}\n"
            f"export MODEL_TIER={args.tier}\n"
            f"export TOKEN={token}\n"
            "# type open, us_persons_only or suspended and Enter to issue a directive"
        )
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            for line in sys.stdin:
                wanted = line.strip()
                if wanted in ("open", "us_persons_only", "suspended"):
                    with lock:
                        state = wanted
                        # Suspending bumps the epoch, so tokens issued before it stay
                        # void even after the tier reopens.
                        epoch += wanted == "suspended"
                    publish()
                    print(f"# tier {args.tier} is now {wanted} (serial {serial})")  # noqa: T201
                    sys.stdout.flush()
            while True:  # stdin closed: keep serving until interrupted
                time.sleep(3600)
        stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
