from __future__ import annotations

from collections.abc import Iterator

import pytest

from entitlements import publication
from entitlements.services import keys


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Iterator[None]:
    """The signer and the signed document are cached per process; tests start without them."""
    keys._forget_signer()
    publication.forget_cached()
    yield
    keys._forget_signer()
    publication.forget_cached()
