from __future__ import annotations

from collections.abc import Iterator

import pytest

from entitlements import publication, versions
from entitlements.services import keys


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Iterator[None]:
    """The signer, the signed documents and the shared counters read are kept per process;
    tests start without them."""
    keys._forget_signer()
    publication.forget_cached()
    versions._seen.clear()
    yield
    keys._forget_signer()
    publication.forget_cached()
    versions._seen.clear()
