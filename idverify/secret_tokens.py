"""The format of the service's bearer secrets: ``PREFIX`` + random + checksum.

The checksum (CRC32 in base62, like other providers' token formats) lets us
and secret scanners reject a mistyped or made-up secret without a database
lookup. Only the SHA-256 digest of a secret is stored; it is high-entropy
random, so a fast hash is the right tool (a slow password hash would only
cost CPU on every request). Personal access tokens (``accounts.api_keys``)
and SCIM tokens (``scim.tokens``) are two formats of this one kind.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib
from dataclasses import dataclass

ALPHABET = string.digits + string.ascii_letters
CHECK_LEN = 6


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rem = divmod(number, 62)
        chars.append(ALPHABET[rem])
    return "".join(reversed(chars))


def checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode("ascii")), CHECK_LEN)


@dataclass(frozen=True)
class SecretFormat:
    prefix: str
    random_length: int

    @property
    def length(self) -> int:
        return len(self.prefix) + self.random_length + CHECK_LEN

    def generate(self) -> str:
        body = "".join(secrets.choice(ALPHABET) for _ in range(self.random_length))
        return self.prefix + body + checksum(body)

    def is_well_formed(self, secret: str) -> bool:
        if len(secret) != self.length or not secret.startswith(self.prefix):
            return False
        rest = secret[len(self.prefix) :]
        if any(c not in ALPHABET for c in rest):
            return False
        body, check = rest[: self.random_length], rest[self.random_length :]
        return secrets.compare_digest(checksum(body), check)

    def display_prefix(self, secret: str) -> str:
        """What may be shown and logged: the prefix and four characters."""
        return secret[: len(self.prefix) + 4]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()
