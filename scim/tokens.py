"""The SCIM token format: ``idv_scim_`` + 40 random + 6 checksum characters.

The same shape as personal access tokens (``accounts.api_keys``): a CRC32
checksum in base62 rejects a mistyped or made-up token before any database
lookup, and only the SHA-256 digest is stored (a high-entropy random secret
needs no slow hash).
"""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib

PREFIX = "idv_scim_"
_ALPHABET = string.digits + string.ascii_letters
_RANDOM_LEN = 40
_CHECK_LEN = 6
TOKEN_LENGTH = len(PREFIX) + _RANDOM_LEN + _CHECK_LEN


def _checksum(body: str) -> str:
    number = zlib.crc32(body.encode("ascii"))
    chars = []
    for _ in range(_CHECK_LEN):
        number, rem = divmod(number, 62)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def generate() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_LEN))
    return PREFIX + body + _checksum(body)


def is_well_formed(token: str) -> bool:
    if len(token) != TOKEN_LENGTH or not token.startswith(PREFIX):
        return False
    rest = token[len(PREFIX) :]
    if any(c not in _ALPHABET for c in rest):
        return False
    return secrets.compare_digest(_checksum(rest[:_RANDOM_LEN]), rest[_RANDOM_LEN:])


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def display_prefix(token: str) -> str:
    return token[: len(PREFIX) + 4]
