"""Canonical hashing of audit events, the Merkle tree over a seal's events, and
the byte strings that are MACed and signed.

The tree follows RFC 6962 (Certificate Transparency): leaves and inner nodes
are hashed with distinct prefixes, so a leaf can never pass for a node.

Two schemes share these functions:

- ``LEGACY`` (1): the event document has no id; seals are hashed, not signed.
  Only events and seals from before signed sealing use it.
- ``SIGNED`` (2): the event document includes the event's id (a copy of a row
  under another id no longer matches), the writer MACs the content hash with
  HMAC-SHA256 (RFC 2104) under a key the database never holds, and each seal
  is a signed tree head: Ed25519 (RFC 8032) over ``tree_head``, as RFC 6962
  section 3.5 signs (size, time, root).

Nothing here reads settings or the database; changing any output breaks the
verification of every record already written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64
LEGACY = 1
SIGNED = 2


def to_json_value(data: Any) -> Any:
    """Normalise to plain JSON values, so what is stored is exactly what was hashed."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def canonical_event(
    *,
    event_id: int | None,
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
    """The event as sorted, compact JSON; ``event_id`` None gives the legacy document."""
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
    if event_id is not None:
        document["id"] = event_id
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def event_mac(key: bytes, content_hash: str) -> str:
    """HMAC-SHA256 (RFC 2104) of the 32-byte content hash: proof that the application wrote it."""
    return hmac.new(key, bytes.fromhex(content_hash), hashlib.sha256).hexdigest()


def macs_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


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
    """The legacy seal's hash (scheme 1)."""
    text = f"idverify-audit-seal-v1|{prev_hash}|{seq}|{merkle_root}|{count}|{first_id}|{last_id}"
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def timestamp(moment: datetime) -> str:
    """UTC, microseconds, ``Z``: the one spelling of a time in hashed and signed text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def signed_seal_hash(
    *,
    prev_hash: str,
    seq: int,
    merkle_root: str,
    count: int,
    tree_size: int,
    first_id: int,
    last_id: int,
    rejected: Sequence[int],
    created_at: datetime,
) -> str:
    """A signed seal's hash (scheme 2): every column of the seal, the previous seal's hash first.

    ``count`` and the root cover the accepted events; ``rejected`` lists, in
    order, the ids the sealer found without a valid MAC and left out of the tree.
    """
    rejected_ids = ",".join(str(event_id) for event_id in rejected)
    text = (
        f"idverify-audit-seal-v2|{prev_hash}|{seq}|{merkle_root}|{count}|{tree_size}"
        f"|{first_id}|{last_id}|{rejected_ids}|{timestamp(created_at)}"
    )
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def tree_head(*, size: int, seq: int, head_hash: str, time: datetime) -> bytes:
    """The statement a seal's Ed25519 signature covers, and what an operator stores off the
    machine: ``size`` events in ``seq`` seals chain to ``head_hash``, as of ``time``."""
    return f"idverify-audit-tree-head-v1\n{size}\n{seq}\n{head_hash}\n{timestamp(time)}\n".encode(
        "ascii"
    )
