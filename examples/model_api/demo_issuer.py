"""A stand-in issuer for trying the example model API without running idverify.

It publishes a JWKS and a signed revocation document on localhost, exactly where the
service would, prints the environment for app.py and a fresh token, then serves until
interrupted. Type a tier state (open, us_persons_only, suspended) and Enter to issue a
directive and watch the model API react within seconds. For trying things only: the
key lives in memory and the tokens come from the test helpers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier.testing import TokenFactory, jwks, revocation_document, revocations_payload
from idverify_verifier.testing.doubles import JWKS_PATH, REVOCATIONS_PATH, issuer_server

KID = "demo-key"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="fable-5")
    args = parser.parse_args(argv)
    key = Ed25519PrivateKey.generate()
    with issuer_server() as server:
        issuer = server.base_url
        serial, epoch = 1, 1

        def publish(state: str) -> None:
            document = revocations_payload(
                issuer=issuer,
                serial=serial,
                iat=int(time.time()),
                tiers={args.tier: {"state": state, "epoch": epoch}},
            )
            server.publish(REVOCATIONS_PATH, revocation_document(key, KID, document))

        server.publish(JWKS_PATH, json.dumps(jwks((key, KID))))
        publish("open")
        token = TokenFactory(
            key=key, kid=KID, issuer=issuer, audience=args.tier, now=int(time.time())
        ).mint()
        print(  # noqa: T201 - a command-line program
            f"export IDV_ISSUER={issuer}\n"
            f"export IDV_JWKS_URL={server.jwks_url}\n"
            f"export IDV_REVOCATIONS_URL={server.revocations_url}\n"
            f"export MODEL_TIER={args.tier}\n"
            f"export TOKEN={token}\n"
            "# type open, us_persons_only or suspended and Enter to issue a directive"
        )
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            for line in sys.stdin:
                state = line.strip()
                if state in ("open", "us_persons_only", "suspended"):
                    serial += 1
                    # Suspending bumps the epoch, so tokens issued before it stay void
                    # even after the tier reopens.
                    epoch += state == "suspended"
                    publish(state)
                    print(f"# tier {args.tier} is now {state} (serial {serial})")  # noqa: T201
                    sys.stdout.flush()
            while True:  # stdin closed: keep serving until interrupted
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
