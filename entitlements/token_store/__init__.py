"""Everything the token path does to the database, in one place.

``POST /api/v1/tokens`` is the service's hottest path, and its reads and writes are
written by hand here rather than through the ORM: one read, a prepared statement that
also takes the ids the write needs (``reads``, ``ids``), and one write, a statement in
autocommit (``writes``). Nothing else
in the service uses this package; the other apps keep ORM-shaped APIs, and each
statement here has an ORM twin that tests hold it equal to. Every statement goes
through Django's cursor wrappers (``idverify.prepared``), so ``connection.execute_wrapper``,
the query log and monitoring see them. docs/architecture.md says why.
"""

from __future__ import annotations

from entitlements.token_store.ids import ReservedIds
from entitlements.token_store.reads import (
    TokenFacts,
    screening_holds,
    tier_and_token_facts,
    token_facts,
)
from entitlements.token_store.writes import decision_save, decision_save_orm

__all__ = [
    "ReservedIds",
    "TokenFacts",
    "decision_save",
    "decision_save_orm",
    "screening_holds",
    "tier_and_token_facts",
    "token_facts",
]
