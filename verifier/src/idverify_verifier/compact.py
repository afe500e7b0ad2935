"""Strict parsing of compact JWS: canonical base64url, strict JSON, pinned header.

Every function here raises ``InvalidToken``; nothing else escapes, whatever the input.
"""

from __future__ import annotations

import binascii
from typing import Final

from idverify_verifier.errors import InvalidToken
from idverify_verifier.strictjson import malformed, parse_json_object

MAX_TOKEN_BYTES: Final = 8192
ALG: Final = "EdDSA"
TOKEN_TYP: Final = "entitlement+jwt"  # noqa: S105 - a media type, not a secret
REVOCATIONS_TYP: Final = "revocations+jwt"
ALLOWED_HEADER_MEMBERS: Final = frozenset({"alg", "typ", "kid"})
# Members that would make a verifier trust the token's own say-so (embedded or remote
# keys, critical extensions, unencoded or compressed payloads); never honoured.
KNOWN_FORBIDDEN_MEMBERS: Final = frozenset(
    {"crit", "jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "b64", "zip", "enc"}
)

_ALPHABET: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# base64url -> standard base64, with the standard alphabet's own '+' and '/' (and '=')
# sent to '*', which strict decoding refuses like any other stranger: one pass over
# the bytes both translates and lets the decoder enforce the base64url alphabet.
_TO_STRICT_STANDARD: Final = bytes.maketrans(b"-_+/=", b"+/***")
# The last character of a segment whose length is 2 (or 3) mod 4 carries 4 (or 2)
# unused bits, which a canonical encoder leaves at zero.
_CANONICAL_LAST: Final[tuple[frozenset[int], ...]] = (
    frozenset(),
    frozenset(),
    frozenset(_ALPHABET[0::16]),
    frozenset(_ALPHABET[0::4]),
)
# Indexed by len(segment) % 4; a remainder of 1 can never be valid base64.
_PADDING: Final = (b"", b"", b"==", b"=")


def b64url_decode(segment: bytes) -> bytes:
    """Decode unpadded base64url, accepting only the one canonical spelling of the bytes.

    That means: only base64url alphabet characters (no padding, whitespace, ``+`` or
    ``/``), a length that some byte string encodes to, and zero unused trailing bits.
    """
    remainder = len(segment) & 3
    if remainder == 1:
        raise malformed("a base64url segment has an impossible length")
    if remainder and segment[-1] not in _CANONICAL_LAST[remainder]:
        raise malformed("a segment has non-zero trailing bits (not canonical base64url)")
    try:
        # Strict decoding refuses whatever the table did not map into the alphabet.
        return binascii.a2b_base64(
            segment.translate(_TO_STRICT_STANDARD) + _PADDING[remainder], strict_mode=True
        )
    except binascii.Error:
        raise malformed("a segment has characters outside the base64url alphabet") from None


def as_bytes(token: object) -> bytes:
    """The token as ASCII bytes, after the size limit and before any decoding."""
    if isinstance(token, str):
        if len(token) > MAX_TOKEN_BYTES:
            raise InvalidToken("oversize", f"the token is longer than {MAX_TOKEN_BYTES} bytes")
        try:
            return token.encode("ascii")
        except UnicodeEncodeError:
            raise malformed("the token contains non-ASCII characters") from None
    if isinstance(token, bytes | bytearray | memoryview):
        data = bytes(token)
        if len(data) > MAX_TOKEN_BYTES:
            raise InvalidToken("oversize", f"the token is longer than {MAX_TOKEN_BYTES} bytes")
        return data
    raise malformed("the token is not a string")


def split(token: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """(header segment, payload bytes, signature bytes, signing input).

    The payload and signature are decoded (so both are known canonical) but the payload
    is only parsed as JSON once the signature has been checked. The header segment is
    left to ``parse_header`` (or to a cache of headers it has already accepted).
    """
    parts = token.split(b".")
    if len(parts) != 3:
        raise malformed("a compact JWS has exactly three dot-separated segments")
    header_segment, payload_segment, signature_segment = parts
    payload = b64url_decode(payload_segment)
    signature = b64url_decode(signature_segment)
    signing_input = token[: len(header_segment) + 1 + len(payload_segment)]
    return header_segment, payload, signature, signing_input


def parse_header(segment: bytes, *, typ: str) -> str:
    """Validate a protected header and return its ``kid``.

    The checks run in the order of the reason codes so that each fault has one answer.
    """
    header = parse_json_object(b64url_decode(segment), "header")
    alg = header.get("alg")
    if alg != ALG:
        raise InvalidToken("header.alg", f"the header alg must be {ALG!r}")
    if header.get("typ") != typ:
        raise InvalidToken("header.typ", f"the header typ must be {typ!r}")
    extra = header.keys() - ALLOWED_HEADER_MEMBERS
    if extra:
        # Name only members we know, so the message never echoes attacker-chosen text.
        known = sorted(extra & KNOWN_FORBIDDEN_MEMBERS)
        named = f" ({', '.join(known)})" if known else ""
        raise InvalidToken("header.forbidden", f"the header may only have alg, typ and kid{named}")
    kid = header.get("kid")
    if type(kid) is not str or not kid:
        raise InvalidToken("header.kid", "the header kid must be a non-empty string")
    return kid
