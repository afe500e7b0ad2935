"""The evidence-provider seam: what an identity-verification vendor adapter provides.

A vendor verifies a document and its holder (usually with a live selfie) in
its own flow; this service sends the person there and reads the result back
from the vendor's API. An adapter translates one vendor's API into the
vendor-neutral values below; ``attestations.services.vendors`` decides what
the result is worth as evidence, the same way for every vendor.

Nothing an adapter returns comes from the browser or from a webhook body:
``parse_webhook`` only authenticates the notification and names the session,
and ``fetch`` asks the vendor's API about it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from idverify.errors import Unavailable

# The session's state in this service's words (each adapter maps its vendor's).
SessionState = Literal["started", "processing", "requires_input", "canceled", "verified"]


class VendorError(Unavailable):
    """The vendor could not be asked (down, refused, misconfigured); a message for people."""

    code = "vendor.unavailable"


class BadSignature(Exception):
    """A webhook whose signature does not verify: it is not from the vendor."""


class BadEvent(Exception):
    """A webhook with a valid signature whose body is not an event this service reads."""


@dataclass(frozen=True)
class StartedSession:
    session_id: str
    # Where to send the person's browser to take the vendor's checks.
    redirect_url: str


@dataclass(frozen=True)
class VerifiedDocument:
    """What the vendor read from a document it verified (the vendor's own vocabulary)."""

    kind: str  # e.g. "passport", "driving_license", "id_card"
    issuing_country: str  # ISO 3166-1 alpha-2, upper case
    expires_on: dt.date | None
    given_names: str
    family_name: str
    date_of_birth: dt.date | None


@dataclass(frozen=True)
class SessionResult:
    """A session as the vendor's API describes it now."""

    session_id: str
    state: SessionState
    vendor_status: str
    # The person this service bound the session to when creating it (from the
    # vendor's stored copy of what we sent, e.g. Stripe's metadata).
    person_ref: str
    reference: str
    document_verified: bool
    selfie_verified: bool
    document: VerifiedDocument | None
    error_code: str = ""


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    event_type: str
    # The session the event is about; "" for events about anything else.
    session_id: str


class EvidenceProvider(Protocol):
    """One identity-verification vendor. See docs/vendors.md for how to add one."""

    @property
    def name(self) -> str:
        """A stable code stored with each verification, e.g. ``stripe_identity``."""

    @property
    def label(self) -> str:
        """The vendor's name as people read it, e.g. ``Stripe Identity``."""

    @property
    def performs_biometric_check(self) -> bool:
        """Whether a verified session always includes a live selfie matched to the document."""

    def start(self, *, reference: str, person_ref: str, return_url: str) -> StartedSession:
        """Create a session (document + selfie) bound to ``person_ref``; raises VendorError."""

    def fetch(self, session_id: str) -> SessionResult:
        """The session and its verified outputs, from the vendor's API; raises VendorError."""

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Authenticate a notification (BadSignature) and name its session (BadEvent)."""
