"""Identity-verification vendors: the evidence-provider seam and its registry.

``offered()`` lists the vendors this deployment is configured for (none
without keys); ``provider(name)`` finds one by its stable name. Adapters
read their settings when asked, so a changed setting takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable

from attestations.vendors import stripe_identity
from attestations.vendors.base import (
    BadEvent,
    BadSignature,
    EvidenceProvider,
    SessionResult,
    StartedSession,
    VendorError,
    VerifiedDocument,
    WebhookEvent,
)

__all__ = [
    "BadEvent",
    "BadSignature",
    "EvidenceProvider",
    "SessionResult",
    "StartedSession",
    "VendorError",
    "VerifiedDocument",
    "WebhookEvent",
    "offered",
    "provider",
    "vendor_label",
]

# Each adapter's name and a function building it from settings (None: not configured).
_REGISTRY: dict[str, Callable[[], EvidenceProvider | None]] = {
    stripe_identity.NAME: stripe_identity.from_settings,
}


_LABELS = {stripe_identity.NAME: stripe_identity.LABEL}


def vendor_label(name: str) -> str:
    """A stored vendor name as people read it, configured or not."""
    return _LABELS.get(name, name)


def provider(name: str) -> EvidenceProvider | None:
    """The configured vendor called ``name``, or None (unknown or not configured)."""
    build = _REGISTRY.get(name)
    return build() if build is not None else None


def offered() -> list[EvidenceProvider]:
    """The vendors people may use here, in registry order."""
    return [found for build in _REGISTRY.values() if (found := build()) is not None]
