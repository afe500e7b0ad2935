"""The personal access token format: ``idv_pat_`` + 30 random + 6 checksum characters.

The checksum (CRC32 in base62, like other providers' token formats) lets us
and secret scanners reject a mistyped or made-up key without a database
lookup. Only the SHA-256 digest of a key is stored; a key is high-entropy
random, so a fast hash is the right tool (a slow password hash would only
cost CPU on every API call).
"""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib

PREFIX = "idv_pat_"
_ALPHABET = string.digits + string.ascii_letters
_RANDOM_LEN = 30
_CHECK_LEN = 6
KEY_LENGTH = len(PREFIX) + _RANDOM_LEN + _CHECK_LEN


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rem = divmod(number, 62)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode("ascii")), _CHECK_LEN)


def generate() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_LEN))
    return PREFIX + body + _checksum(body)


def is_well_formed(key: str) -> bool:
    if len(key) != KEY_LENGTH or not key.startswith(PREFIX):
        return False
    rest = key[len(PREFIX) :]
    if any(c not in _ALPHABET for c in rest):
        return False
    body, check = rest[:_RANDOM_LEN], rest[_RANDOM_LEN:]
    return secrets.compare_digest(_checksum(body), check)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def display_prefix(key: str) -> str:
    return key[: len(PREFIX) + 4]
