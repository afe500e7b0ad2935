"""A corpus of entitlement tokens: one or more per rejection rule, plus accepted ones.

Every case is judged at ``now`` with a leeway of 30 s, the given ``issuer`` and
``audience``, the JWKS holding only ``(key, kid)``, and ``case.revocations`` as the
payload of the revocation document in force. The service's introspection endpoint
should agree: ``active`` exactly when ``expected_code`` is None.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from typing import Any, Final, NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier.errors import ReasonCode
from idverify_verifier.testing import (
    OMIT,
    SUB,
    TokenFactory,
    b64url,
    compact_json,
    public_bytes,
    revocations_payload,
    sign_compact,
)

LEEWAY: Final = 30
# The order of the Ed25519 group; S + L is the textbook malleated signature.
_GROUP_ORDER: Final = 2**252 + 27742317777372353535851937790883648493
_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_FORBIDDEN_HEADER_MEMBERS: Final = (
    "crit", "jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "b64", "zip", "enc", "cty", "x-extra",
)  # fmt: skip


class CorpusCase(NamedTuple):
    name: str
    token: str
    expected_code: ReasonCode | None
    revocations: dict[str, Any]


def _unb64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _with_segment(token: str, index: int, segment: str) -> str:
    parts = token.split(".")
    parts[index] = segment
    return ".".join(parts)


def _segment(token: str, index: int) -> str:
    return token.split(".")[index]


class _Builder:
    def __init__(
        self, *, key: Ed25519PrivateKey, kid: str, issuer: str, audience: str, now: int
    ) -> None:
        self.f = TokenFactory(key=key, kid=kid, issuer=issuer, audience=audience, now=now)
        self.key, self.kid, self.issuer, self.audience, self.now = key, kid, issuer, audience, now
        self.valid = self.f.mint()
        self.cases: list[CorpusCase] = []

    def doc(self, state: str = "open", epoch: int = 1, **extra: Any) -> dict[str, Any]:
        tiers = {self.audience: {"state": state, "epoch": epoch}}
        return revocations_payload(
            issuer=self.issuer, serial=7, iat=self.now - 10, tiers=tiers, **extra
        )

    def add(
        self, name: str, token: str, code: ReasonCode | None, doc: dict[str, Any] | None = None
    ) -> None:
        self.cases.append(CorpusCase(name, token, code, self.doc() if doc is None else doc))

    def signed(self, header: bytes | dict[str, Any], payload: bytes | dict[str, Any]) -> str:
        h = header if isinstance(header, bytes) else compact_json(header)
        p = payload if isinstance(payload, bytes) else compact_json(payload)
        return sign_compact(self.key, h, p)

    def payload_plus(self, extra: bytes, **overrides: Any) -> bytes:
        """The default claims with raw JSON text appended inside the object."""
        return compact_json(self.f.claims(**overrides))[:-1] + b"," + extra + b"}"

    def accepted(self) -> None:
        f, now, add = self.f, self.now, self.add
        add("a valid token is accepted", self.valid, None)
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
            self.doc("us_persons_only"),
        )
        add(
            "a token issued after the user's cutoff is accepted",
            self.valid,
            None,
            self.doc(users={SUB: now - 1}),
        )
        add("a token from a newer epoch than the tier's is accepted", f.mint(epoch=5), None)
        add(
            "unknown claims, even holding objects and braces, are accepted",
            f.mint(note="{not an object}", extra={"a": [{"b": 1}], "c": {}}),
            None,
        )
        add(
            "JSON whitespace around and inside the payload is accepted",
            self.signed(
                self.f.header(),
                b' \n{ "x" : 1 ,' + compact_json(self.f.claims())[1:] + b"\t\r\n",
            ),
            None,
        )

    def encoding(self) -> None:
        add, valid, signed = self.add, self.valid, self.signed
        claims = self.f.claims()
        add("a token over 8192 bytes is oversize", self.f.mint(pad="x" * 8192), "oversize")
        add("an empty token is malformed", "", "malformed")
        add("two segments are malformed", ".".join(valid.split(".")[:2]), "malformed")
        add("four segments are malformed", valid + ".", "malformed")
        add(
            "base64 padding is malformed",
            _with_segment(valid, 1, _segment(valid, 1) + "="),
            "malformed",
        )
        add("whitespace inside a segment is malformed", valid[:20] + " " + valid[20:], "malformed")
        add(
            "a standard-alphabet character is malformed",
            _with_segment(valid, 2, "+" + _segment(valid, 2)[1:]),
            "malformed",
        )
        signature = _segment(valid, 2)
        # 64 bytes leave four unused bits in the last character; setting one keeps the
        # decoded signature intact, so only the canonical-encoding rule can catch it.
        bumped = signature[:-1] + _ALPHABET[_ALPHABET.index(signature[-1]) + 1]
        add("non-zero trailing bits are malformed", _with_segment(valid, 2, bumped), "malformed")
        add("a non-ASCII character is malformed", valid[:-1] + "\u00e9", "malformed")
        add("a header that is not JSON is malformed", signed(b"{alg:EdDSA}", claims), "malformed")
        add("a header that is a JSON array is malformed", signed(b'["EdDSA"]', claims), "malformed")
        add(
            "a deeply nested header is malformed",
            signed(b"[" * 2000 + b"]" * 2000, claims),
            "malformed",
        )
        duplicate_alg = b'{"alg":"EdDSA","typ":"entitlement+jwt","kid":"%s","alg":"none"}'
        add(
            "a duplicate header member is malformed",
            signed(duplicate_alg % self.kid.encode(), claims),
            "malformed",
        )
        add(
            "a duplicate claim is malformed",
            signed(self.f.header(), self.payload_plus(b'"sub":"%s"' % SUB.encode())),
            "malformed",
        )
        nested = b'"usp":{"status":"not_us_person","level":1,"basis":"self","status":"us_citizen"}'
        add(
            "a duplicate member inside a claim is malformed",
            signed(self.f.header(), self.payload_plus(nested, usp=OMIT)),
            "malformed",
        )
        add(
            "a duplicate member inside an unknown claim is malformed",
            signed(self.f.header(), self.payload_plus(b'"x":{"a":1,"a":2}')),
            "malformed",
        )
        add(
            "a duplicate member inside an array is malformed",
            signed(self.f.header(), self.payload_plus(b'"x":[{"a":1,"a":2}]')),
            "malformed",
        )
        add(
            "NaN in the payload is malformed",
            signed(self.f.header(), self.payload_plus(b'"x":NaN')),
            "malformed",
        )
        add("a JSON array payload is malformed", signed(self.f.header(), b"[1,2,3]"), "malformed")
        add(
            "a payload that is not UTF-8 is malformed",
            signed(self.f.header(), b'{"iss":"\xff"}'),
            "malformed",
        )
        add(
            "a UTF-16 payload is malformed",
            signed(self.f.header(), compact_json(claims).decode().encode("utf-16")),
            "malformed",
        )
        add(
            "a payload with a byte-order mark is malformed",
            signed(self.f.header(), b"\xef\xbb\xbf" + compact_json(claims)),
            "malformed",
        )

    def header(self) -> None:
        f, add = self.f, self.add
        unsigned = (
            f"{b64url(compact_json(f.header(alg='none')))}.{b64url(compact_json(f.claims()))}."
        )
        add("alg none is refused", unsigned, "header.alg")
        hs_input = (
            f"{b64url(compact_json(f.header(alg='HS256')))}.{b64url(compact_json(f.claims()))}"
        )
        # The classic confusion: an HMAC keyed with the verifier's public key.
        hs_signature = hmac.new(public_bytes(self.key), hs_input.encode(), hashlib.sha256).digest()
        add(
            "HS256 keyed with the public key is refused",
            f"{hs_input}.{b64url(hs_signature)}",
            "header.alg",
        )
        for alg in ("ES256", "Ed25519", "eddsa", OMIT):
            add(f"alg {alg!r} is refused", f.mint(header=f.header(alg=alg)), "header.alg")
        for typ in ("JWT", "revocations+jwt", "application/entitlement+jwt", OMIT):
            add(f"typ {typ!r} is refused", f.mint(header=f.header(typ=typ)), "header.typ")
        for member in _FORBIDDEN_HEADER_MEMBERS:
            value: Any = ["exp"] if member == "crit" else "x"
            token = f.mint(header=f.header(**{member: value}))
            add(f"a header with {member} is refused", token, "header.forbidden")
        for kid in (OMIT, "", 1):
            add(f"kid {kid!r} is refused", f.mint(header=f.header(kid=kid)), "header.kid")

    def signature(self) -> None:
        f, add, valid = self.f, self.add, self.valid
        add(
            "an unknown kid is refused", f.mint(header=f.header(kid=self.kid + "-x")), "key.unknown"
        )
        other_key = Ed25519PrivateKey.generate()
        add("a token signed by another key is refused", f.mint(key=other_key), "signature")
        header, _, signature = valid.split(".")
        forged = b64url(
            compact_json(f.claims(usp={"status": "us_citizen", "level": 3, "basis": "both"}))
        )
        add(
            "a payload changed after signing is refused",
            f"{header}.{forged}.{signature}",
            "signature",
        )
        raw = _unb64url(signature)
        flipped = raw[:5] + bytes([raw[5] ^ 1]) + raw[6:]
        add(
            "a flipped signature bit is refused",
            _with_segment(valid, 2, b64url(flipped)),
            "signature",
        )
        add(
            "a truncated signature is refused",
            _with_segment(valid, 2, b64url(raw[:63])),
            "signature",
        )
        add("an empty signature is refused", _with_segment(valid, 2, ""), "signature")
        s = int.from_bytes(raw[32:], "little") + _GROUP_ORDER
        malleated = b64url(raw[:32] + s.to_bytes(32, "little"))
        add(
            "a malleated signature (S + L) is refused",
            _with_segment(valid, 2, malleated),
            "signature",
        )

    def claims(self) -> None:
        f, add, now, audience = self.f, self.add, self.now, self.audience
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
        for iss in ("https://evil.example", self.issuer + "/", OMIT):
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

    def revocation(self) -> None:
        f, add, valid, doc = self.f, self.add, self.valid, self.doc
        other_tier = revocations_payload(
            issuer=self.issuer,
            serial=7,
            iat=self.now - 10,
            tiers={self.audience + "-other": {"state": "open", "epoch": 1}},
        )
        add(
            "a tier missing from the document is refused", valid, "revoked.unknown_tier", other_tier
        )
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
            doc(users={SUB: self.now}),
        )
        jti = str(uuid.uuid4())
        add(
            "a revoked jti is refused",
            f.mint(jti=jti),
            "revoked.jti",
            doc(jtis={jti: self.now + 600}),
        )


def build_corpus(
    *, key: Ed25519PrivateKey, kid: str, issuer: str, audience: str, now: int
) -> list[CorpusCase]:
    builder = _Builder(key=key, kid=kid, issuer=issuer, audience=audience, now=now)
    builder.accepted()
    builder.encoding()
    builder.header()
    builder.signature()
    builder.claims()
    builder.revocation()
    return builder.cases
