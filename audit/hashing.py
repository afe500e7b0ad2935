"""Canonical hashing of audit events and the Merkle tree over a seal's events.

The tree follows RFC 6962 (Certificate Transparency): leaves and inner nodes
are hashed with distinct prefixes, so a leaf can never pass for a node.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


def to_json_value(data: Any) -> Any:
    """Normalise to plain JSON values, so what is stored is exactly what was hashed."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def canonical_event(
    *,
    occurred_at: datetime,
    action: str,
    actor: str,
    actor_label: str,
    subject_type: str,
    subject_id: str,
    organization_id: UUID | None,
    request_id: str,
    data: Any,
) -> bytes:
    document = {
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "action": action,
        "actor": actor,
        "actor_label": actor_label,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "organization_id": str(organization_id) if organization_id else None,
        "request_id": request_id,
        "data": data,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def _leaf(value: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(value)).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(hashes: Sequence[str]) -> str:
    """Root of the tree over hex leaf values, in order. RFC 6962 split at the largest power of 2."""
    if not hashes:
        return hashlib.sha256(b"").hexdigest()
    level = [_leaf(h) for h in hashes]

    def build(nodes: list[bytes]) -> bytes:
        if len(nodes) == 1:
            return nodes[0]
        split = 1 << ((len(nodes) - 1).bit_length() - 1)
        return _node(build(nodes[:split]), build(nodes[split:]))

    return build(level).hex()


def seal_hash(
    *, prev_hash: str, seq: int, merkle_root: str, count: int, first_id: int, last_id: int
) -> str:
    text = f"idverify-audit-seal-v1|{prev_hash}|{seq}|{merkle_root}|{count}|{first_id}|{last_id}"
    return hashlib.sha256(text.encode("ascii")).hexdigest()
