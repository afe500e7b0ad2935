"""The personal access token format: ``idv_pat_`` + 30 random + 6 checksum characters
(see ``idverify.secret_tokens``)."""

from __future__ import annotations

from idverify.secret_tokens import SecretFormat, digest

FORMAT = SecretFormat(prefix="idv_pat_", random_length=30)
PREFIX = FORMAT.prefix
generate = FORMAT.generate
is_well_formed = FORMAT.is_well_formed
display_prefix = FORMAT.display_prefix

__all__ = ["PREFIX", "digest", "display_prefix", "generate", "is_well_formed"]
