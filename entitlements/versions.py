"""This process's own count of changes to the documents verifiers poll.

Each web process keeps the signed revocation document and the key set it
serves as ready bytes (``entitlements.publication``) and looks at the database
for a newer version at most every few hundred milliseconds. A change made in
this process is counted here at once, so the process that made it serves the
new version on its next request (read-your-writes, also inside a test's
transaction, where nothing commits); other processes see it at their next
look. The count says only "look again": the content always comes from the
database, so a change counted before it commits can never be served early.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from django.db import transaction

REVOCATIONS = "revocations"
KEYS = "keys"

_counters: dict[str, Iterator[int]] = {REVOCATIONS: itertools.count(1), KEYS: itertools.count(1)}
_local: dict[str, int] = {REVOCATIONS: 0, KEYS: 0}


def local(name: str) -> int:
    return _local[name]


def _bump(name: str) -> None:
    _local[name] = next(_counters[name])


def changed(name: str) -> None:
    """Called in the transaction that changes ``name``: count it now and again at commit."""
    _bump(name)
    # Again after commit: a request that reloaded between the change and the commit
    # read the old row, and must look once more.
    transaction.on_commit(lambda: _bump(name))
