"""The SCIM token format: ``idv_scim_`` + 40 random + 6 checksum characters.

The same kind of secret as personal access tokens (``idverify.secret_tokens``):
a checksum rejects a mistyped or made-up token before any database lookup,
and only the SHA-256 digest is stored.
"""

from __future__ import annotations

from idverify.secret_tokens import SecretFormat, digest

FORMAT = SecretFormat(prefix="idv_scim_", random_length=40)
PREFIX = FORMAT.prefix
generate = FORMAT.generate
is_well_formed = FORMAT.is_well_formed
display_prefix = FORMAT.display_prefix

__all__ = ["PREFIX", "digest", "display_prefix", "generate", "is_well_formed"]
