"""Cases about the token's form: its encoding, its header and its signature."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from idverify_verifier.testing import OMIT, SUB, b64url, compact_json, public_bytes
from idverify_verifier.testing.corpus.builder import Builder, segment_of, unb64url, with_segment

# The order of the Ed25519 group; S + L is the textbook malleated signature.
_GROUP_ORDER: Final = 2**252 + 27742317777372353535851937790883648493
_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_FORBIDDEN_HEADER_MEMBERS: Final = (
    "crit", "jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "b64", "zip", "enc", "cty", "x-extra",
)  # fmt: skip


def encoding(b: Builder) -> None:
    """Malformed tokens: segments, base64url, JSON, duplicate members, encodings."""
    add, valid, signed = b.add, b.valid, b.signed
    claims = b.f.claims()
    add("a token over 8192 bytes is oversize", b.f.mint(pad="x" * 8192), "oversize")
    add("an empty token is malformed", "", "malformed")
    add("two segments are malformed", ".".join(valid.split(".")[:2]), "malformed")
    add("four segments are malformed", valid + ".", "malformed")
    add(
        "base64 padding is malformed",
        with_segment(valid, 1, segment_of(valid, 1) + "="),
        "malformed",
    )
    add("whitespace inside a segment is malformed", valid[:20] + " " + valid[20:], "malformed")
    add(
        "a standard-alphabet character is malformed",
        with_segment(valid, 2, "+" + segment_of(valid, 2)[1:]),
        "malformed",
    )
    signature = segment_of(valid, 2)
    # 64 bytes leave four unused bits in the last character; setting one keeps the
    # decoded signature intact, so only the canonical-encoding rule can catch it.
    bumped = signature[:-1] + _ALPHABET[_ALPHABET.index(signature[-1]) + 1]
    add("non-zero trailing bits are malformed", with_segment(valid, 2, bumped), "malformed")
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
        signed(duplicate_alg % b.kid.encode(), claims),
        "malformed",
    )
    add(
        "a duplicate claim is malformed",
        signed(b.f.header(), b.payload_plus(b'"sub":"%s"' % SUB.encode())),
        "malformed",
    )
    nested = b'"usp":{"status":"not_us_person","level":1,"basis":"self","status":"us_citizen"}'
    add(
        "a duplicate member inside a claim is malformed",
        signed(b.f.header(), b.payload_plus(nested, usp=OMIT)),
        "malformed",
    )
    add(
        "a duplicate member inside an unknown claim is malformed",
        signed(b.f.header(), b.payload_plus(b'"x":{"a":1,"a":2}')),
        "malformed",
    )
    add(
        "a duplicate member inside an array is malformed",
        signed(b.f.header(), b.payload_plus(b'"x":[{"a":1,"a":2}]')),
        "malformed",
    )
    add(
        "NaN in the payload is malformed",
        signed(b.f.header(), b.payload_plus(b'"x":NaN')),
        "malformed",
    )
    add("a JSON array payload is malformed", signed(b.f.header(), b"[1,2,3]"), "malformed")
    add(
        "a payload that is not UTF-8 is malformed",
        signed(b.f.header(), b'{"iss":"\xff"}'),
        "malformed",
    )
    add(
        "a UTF-16 payload is malformed",
        signed(b.f.header(), compact_json(claims).decode().encode("utf-16")),
        "malformed",
    )
    add(
        "a payload with a byte-order mark is malformed",
        signed(b.f.header(), b"\xef\xbb\xbf" + compact_json(claims)),
        "malformed",
    )


def header(b: Builder) -> None:
    """Headers the verifier refuses: alg, typ, forbidden members, kid."""
    f, add = b.f, b.add
    unsigned = f"{b64url(compact_json(f.header(alg='none')))}.{b64url(compact_json(f.claims()))}."
    add("alg none is refused", unsigned, "header.alg")
    hs_input = f"{b64url(compact_json(f.header(alg='HS256')))}.{b64url(compact_json(f.claims()))}"
    # The classic confusion: an HMAC keyed with the verifier's public key.
    hs_signature = hmac.new(public_bytes(b.key), hs_input.encode(), hashlib.sha256).digest()
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


def signature(b: Builder) -> None:
    """Signatures that do not verify: another key, altered bytes, malleated."""
    f, add, valid = b.f, b.add, b.valid
    add("an unknown kid is refused", f.mint(header=f.header(kid=b.kid + "-x")), "key.unknown")
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
    raw = unb64url(signature)
    flipped = raw[:5] + bytes([raw[5] ^ 1]) + raw[6:]
    add(
        "a flipped signature bit is refused",
        with_segment(valid, 2, b64url(flipped)),
        "signature",
    )
    add(
        "a truncated signature is refused",
        with_segment(valid, 2, b64url(raw[:63])),
        "signature",
    )
    add("an empty signature is refused", with_segment(valid, 2, ""), "signature")
    s = int.from_bytes(raw[32:], "little") + _GROUP_ORDER
    malleated = b64url(raw[:32] + s.to_bytes(32, "little"))
    add(
        "a malleated signature (S + L) is refused",
        with_segment(valid, 2, malleated),
        "signature",
    )
