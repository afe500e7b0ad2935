"""Cases about what a well-formed token says: accepted ones, refused claims, revocations."""

from __future__ import annotations

import uuid
from typing import Any

from idverify_verifier.testing import OMIT, SUB, compact_json, revocations_payload
from idverify_verifier.testing.corpus.builder import LEEWAY, Builder


def accepted(b: Builder) -> None:
    """Tokens the verifier accepts, at the edges of what it allows."""
    f, now, add = b.f, b.now, b.add
    add("a valid token is accepted", b.valid, None)
    add(
        "integral float times are accepted",
        f.mint(iat=float(now), nbf=float(now), exp=float(now + 600)),
        None,
    )
    add(
        "a token expiring inside the leeway is accepted",
        f.mint(iat=now - 600, nbf=now - 600, exp=now - LEEWAY + 1),
        None,
    )
    add(
        "a token starting inside the leeway is accepted",
        f.mint(nbf=now + LEEWAY, iat=now + LEEWAY, exp=now + 630),
        None,
    )
    add("a lifetime of exactly 900 s is accepted", f.mint(exp=now + 900), None)
    add("an absent org is accepted", f.mint(org=OMIT), None)
    add(
        "a null org and null geo values are accepted",
        f.mint(org=None, geo={"country": None, "subdivision": None}),
        None,
    )
    add(
        "a key-bound token is accepted",
        f.mint(cnf={"jkt": "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"}),
        None,
    )
    add(
        "an asylee (a protected individual) may use a U.S.-persons-only tier",
        f.mint(usp={"status": "asylee", "level": 3, "basis": "review"}),
        None,
        b.doc("us_persons_only"),
    )
    add(
        "a token issued after the user's cutoff is accepted",
        b.valid,
        None,
        b.doc(users={SUB: now - 1}),
    )
    add("a token from a newer epoch than the tier's is accepted", f.mint(epoch=5), None)
    add(
        "unknown claims, even holding objects and braces, are accepted",
        f.mint(note="{not an object}", extra={"a": [{"b": 1}], "c": {}}),
        None,
    )
    add(
        "JSON whitespace around and inside the payload is accepted",
        b.signed(
            b.f.header(),
            b' \n{ "x" : 1 ,' + compact_json(b.f.claims())[1:] + b"\t\r\n",
        ),
        None,
    )


def claims(b: Builder) -> None:
    """Claims the verifier refuses: types, times, issuer, audience, the person."""
    f, add, now, audience = b.f, b.add, b.now, b.audience
    invalid: list[tuple[str, dict[str, Any]]] = [
        ("a string exp", {"exp": str(now + 600)}),
        ("a boolean iat", {"iat": True}),
        ("a fractional nbf", {"nbf": now + 0.5}),
        ("a missing exp", {"exp": OMIT}),
        ("a missing sub", {"sub": OMIT}),
        ("a sub that is not a UUID", {"sub": "alice@example.com"}),
        ("an uppercase UUID sub", {"sub": SUB.upper()}),
        ("a missing jti", {"jti": OMIT}),
        ("a jti that is not a UUID", {"jti": "1"}),
        ("an org that is not a UUID", {"org": "acme"}),
        ("a missing usp", {"usp": OMIT}),
        ("a usp that is a string", {"usp": "us_citizen"}),
        ("an unknown usp.status", {"usp": {"status": "martian", "level": 2, "basis": "self"}}),
        (
            "a usp.status the service never attests",
            {"usp": {"status": "protected_individual", "level": 3, "basis": "review"}},
        ),
        ("a usp.level of 4", {"usp": {"status": "us_citizen", "level": 4, "basis": "self"}}),
        (
            "a boolean usp.level",
            {"usp": {"status": "us_citizen", "level": True, "basis": "self"}},
        ),
        (
            "an unknown usp.basis",
            {"usp": {"status": "us_citizen", "level": 2, "basis": "vibes"}},
        ),
        ("a missing geo", {"geo": OMIT}),
        ("a numeric geo.country", {"geo": {"country": 840, "subdivision": None}}),
        ("a missing epoch", {"epoch": OMIT}),
        ("a negative epoch", {"epoch": -1}),
        ("a cnf without jkt", {"cnf": {}}),
        ("a null cnf", {"cnf": None}),
        ("an unknown ial", {"ial": "ial3"}),
        ("a numeric ial", {"ial": 1}),
        ("an evd that is a string", {"evd": "vri"}),
        ("an evd holding a number", {"evd": ["vri", 2]}),
    ]
    for label, overrides in invalid:
        add(f"{label} is claims.invalid", f.mint(**overrides), "claims.invalid")
    for iss in ("https://evil.example", b.issuer + "/", OMIT):
        add(f"issuer {iss!r} is refused", f.mint(iss=iss), "claims.iss")
    for aud in (audience + "-other", [audience], audience.upper(), OMIT):
        add(f"audience {aud!r} is refused", f.mint(aud=aud), "claims.aud")
    add(
        "a token expired by exactly the leeway is refused",
        f.mint(iat=now - 600, nbf=now - 600, exp=now - LEEWAY),
        "claims.expired",
    )
    add(
        "a long-expired token is refused",
        f.mint(iat=now - 9000, nbf=now - 9000, exp=now - 8400),
        "claims.expired",
    )
    add(
        "a token not valid for another 31 s is refused",
        f.mint(nbf=now + LEEWAY + 1),
        "claims.not_yet_valid",
    )
    add(
        "a token issued 31 s in the future is refused",
        f.mint(iat=now + LEEWAY + 1),
        "claims.not_yet_valid",
    )
    add("a lifetime of 901 s is refused", f.mint(exp=now + 901), "claims.lifetime")


def revocation(b: Builder) -> None:
    """Tokens the revocation document in force withdraws."""
    f, add, valid, doc = b.f, b.add, b.valid, b.doc
    other_tier = revocations_payload(
        issuer=b.issuer,
        serial=7,
        iat=b.now - 10,
        tiers={b.audience + "-other": {"state": "open", "epoch": 1}},
    )
    add("a tier missing from the document is refused", valid, "revoked.unknown_tier", other_tier)
    add("a suspended tier is refused", valid, "revoked.tier_suspended", doc("suspended"))
    add(
        "a non-U.S. person on a U.S.-persons-only tier is refused",
        f.mint(usp={"status": "not_us_person", "level": 1, "basis": "self"}),
        "revoked.not_us_person",
        doc("us_persons_only"),
    )
    add("a token from an older epoch is refused", valid, "revoked.epoch", doc(epoch=2))
    add(
        "a token issued at the user's cutoff is refused",
        valid,
        "revoked.user",
        doc(users={SUB: b.now}),
    )
    jti = str(uuid.uuid4())
    add(
        "a revoked jti is refused",
        f.mint(jti=jti),
        "revoked.jti",
        doc(jtis={jti: b.now + 600}),
    )
