"""Signed tree heads: what an operator keeps off the machine to hold the log to its past.

A head says "``size`` events in ``seq`` seals chain to ``head_hash``, as of
``time``", signed with the audit key (``audit.hashing.tree_head``). Each
signed seal is one. A later log is consistent with a stored head when its
seal number ``seq`` still has that hash and size: everything before it is
unchanged, since each seal's hash covers the one before it and its events'
Merkle root (RFC 9162 section 2.1.4 proves the same of a single Merkle tree).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils.dateparse import parse_datetime

from audit import hashing, keys
from audit.models import AuditSeal


class HeadError(ValueError):
    """A stored head that is not one: the message says what is wrong with it."""


@dataclass(frozen=True)
class SignedHead:
    size: int
    seq: int
    head_hash: str
    time: datetime
    kid: str
    signature: str

    @classmethod
    def of(cls, seal: AuditSeal) -> SignedHead:
        return cls(
            size=seal.tree_size,
            seq=seal.seq,
            head_hash=seal.seal_hash,
            time=seal.created_at,
            kid=seal.key_id,
            signature=seal.signature,
        )

    def statement(self) -> bytes:
        return hashing.tree_head(
            size=self.size, seq=self.seq, head_hash=self.head_hash, time=self.time
        )

    def signed_by(self, trusted: dict[str, Ed25519PublicKey]) -> bool:
        return keys.signature_valid(
            keys=trusted, kid=self.kid, signature=self.signature, statement=self.statement()
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "seq": self.seq,
            "head_hash": self.head_hash,
            "time": hashing.timestamp(self.time),
            "kid": self.kid,
            "signature": self.signature,
        }


def _integer(document: dict[str, Any], name: str) -> int:
    value = document.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise HeadError(f'"{name}" must be a whole number, 0 or more.')
    return value


def _text(document: dict[str, Any], name: str) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise HeadError(f'"{name}" must be a non-empty string.')
    return value


def parse_head(text: str) -> SignedHead:
    """A head as ``audit_head`` prints it; HeadError naming the first thing wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HeadError(f"It is not JSON ({exc.msg}, line {exc.lineno}).") from None
    if not isinstance(document, dict):
        raise HeadError("It must be a JSON object, as `manage.py audit_head` prints.")
    head_hash = _text(document, "head_hash").lower()
    if len(head_hash) != 64 or any(c not in "0123456789abcdef" for c in head_hash):
        raise HeadError('"head_hash" must be 64 hexadecimal digits.')
    time = parse_datetime(_text(document, "time"))
    if time is None or time.tzinfo is None:
        raise HeadError('"time" must be an ISO 8601 date-time with a zone, e.g. ...Z.')
    return SignedHead(
        size=_integer(document, "size"),
        seq=_integer(document, "seq"),
        head_hash=head_hash,
        time=time.astimezone(UTC),
        kid=_text(document, "kid"),
        signature=_text(document, "signature"),
    )
