"""Stripe Identity, through Stripe's official library (``stripe``).

A session of type ``document`` asks for a passport, captured live, and a
selfie Stripe matches to the passport's photo; Stripe marks the session
``verified`` only when both checks pass. The result is read from Stripe's
API by session id with the verified outputs and the last verification
report expanded; a webhook only says that a session changed.

Webhooks are authenticated exactly as Stripe's library does it
(``stripe.WebhookSignature.verify_header``: the ``Stripe-Signature`` header's
``t=`` timestamp and ``v1=`` HMAC-SHA256 of ``"{t}.{body}"`` under the
endpoint's signing secret, within five minutes).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from typing import Any

import stripe
from django.conf import settings
from stripe.identity import VerificationReport, VerificationSession
from stripe.params.identity import (
    VerificationSessionCreateParams,
    VerificationSessionCreateParamsOptions,
    VerificationSessionCreateParamsOptionsDocument,
)

from attestations.vendors.base import (
    BadEvent,
    BadSignature,
    SessionResult,
    SessionState,
    StartedSession,
    VendorError,
    VerifiedDocument,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

NAME = "stripe_identity"
LABEL = "Stripe Identity"
# Only a passport is asked for: of the document types Stripe verifies, only a
# U.S. passport evidences a U.S.-person status (see attestations.vendors.mapping).
ALLOWED_TYPES = ("passport",)
# The verified outputs and the report's document; the birth date and the expiry
# date are sensitive fields Stripe returns only when expanded by name.
EXPAND = [
    "verified_outputs",
    "verified_outputs.dob",
    "last_verification_report",
    "last_verification_report.document.expiration_date",
]
# Metadata keys binding a session to the person and the verification row.
PERSON_KEY = "idv_person"
REFERENCE_KEY = "idv_verification"
WEBHOOK_TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE
SESSION_EVENT_OBJECT = "identity.verification_session"
# Stripe's ids are far shorter; the columns storing them hold 255 characters.
MAX_ID_LENGTH = 255
_STATES: dict[str, SessionState] = {
    "processing": "processing",
    "requires_input": "requires_input",
    "canceled": "canceled",
    "verified": "verified",
}
UNAVAILABLE = (
    "Stripe Identity could not be reached just now. Nothing was lost: try again in a few "
    "minutes, or upload a document instead."
)


def from_settings() -> StripeIdentity | None:
    key = str(getattr(settings, "IDV_STRIPE_SECRET_KEY", "") or "")
    if not key:
        return None
    return StripeIdentity(
        secret_key=key,
        webhook_secret=str(getattr(settings, "IDV_STRIPE_WEBHOOK_SECRET", "") or ""),
        api_base=str(getattr(settings, "IDV_STRIPE_API_BASE", "") or "https://api.stripe.com"),
        timeout=int(getattr(settings, "IDV_STRIPE_TIMEOUT", 20)),
    )


def _date(value: Any) -> dt.date | None:
    """A Stripe {day, month, year} object as a date; None when absent or incomplete."""
    if value is None:
        return None
    try:
        return dt.date(int(value.year), int(value.month), int(value.day))
    except (AttributeError, TypeError, ValueError):
        return None


def _document(session: VerificationSession, report: VerificationReport | None) -> VerifiedDocument:
    outputs = session.verified_outputs
    found = report.document if report is not None else None
    return VerifiedDocument(
        kind=str(getattr(found, "type", "") or ""),
        issuing_country=str(getattr(found, "issuing_country", "") or "").upper(),
        expires_on=_date(getattr(found, "expiration_date", None)),
        given_names=str(getattr(outputs, "first_name", "") or ""),
        family_name=str(getattr(outputs, "last_name", "") or ""),
        date_of_birth=_date(getattr(outputs, "dob", None)),
    )


class StripeIdentity:
    """The Stripe Identity adapter (attestations.vendors.base.EvidenceProvider)."""

    name = NAME
    label = LABEL
    performs_biometric_check = True

    def __init__(self, *, secret_key: str, webhook_secret: str, api_base: str, timeout: int):
        self._secret_key = secret_key
        self._webhook_secret = webhook_secret
        self._api_base = api_base
        self._timeout = timeout

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            self._secret_key,
            base_addresses={"api": self._api_base},
            max_network_retries=1,
            http_client=stripe.RequestsClient(timeout=self._timeout),
        )

    def _failed(self, action: str, error: stripe.StripeError) -> VendorError:
        # The class and Stripe's code, never the key or the request's content.
        logger.warning(
            "stripe identity %s failed: %s (%s)", action, type(error).__name__, error.code
        )
        return VendorError(UNAVAILABLE)

    def start(self, *, reference: str, person_ref: str, return_url: str) -> StartedSession:
        try:
            session = self._client().v1.identity.verification_sessions.create(
                VerificationSessionCreateParams(
                    type="document",
                    client_reference_id=reference,
                    metadata={PERSON_KEY: person_ref, REFERENCE_KEY: reference},
                    options=VerificationSessionCreateParamsOptions(
                        document=VerificationSessionCreateParamsOptionsDocument(
                            allowed_types=list(ALLOWED_TYPES),
                            require_live_capture=True,
                            require_matching_selfie=True,
                        )
                    ),
                    return_url=return_url,
                )
            )
        except stripe.StripeError as error:
            raise self._failed("create", error) from error
        if not session.url:
            logger.warning("stripe identity session %s came without a url", session.id)
            raise VendorError(UNAVAILABLE)
        return StartedSession(session_id=session.id, redirect_url=session.url)

    def fetch(self, session_id: str) -> SessionResult:
        try:
            session = self._client().v1.identity.verification_sessions.retrieve(
                session_id, {"expand": EXPAND}
            )
        except stripe.StripeError as error:
            raise self._failed("retrieve", error) from error
        report = session.last_verification_report
        report = report if isinstance(report, VerificationReport) else None
        document = report.document if report is not None else None
        selfie = report.selfie if report is not None else None
        metadata = session.metadata.to_dict() if session.metadata else {}
        return SessionResult(
            session_id=session.id,
            state=_STATES.get(str(session.status), "started"),
            vendor_status=str(session.status),
            person_ref=str(metadata.get(PERSON_KEY, "") or ""),
            reference=str(session.client_reference_id or ""),
            document_verified=bool(document is not None and document.status == "verified"),
            selfie_verified=bool(selfie is not None and selfie.status == "verified"),
            document=_document(session, report) if session.status == "verified" else None,
            error_code=str(session.last_error.code or "") if session.last_error else "",
        )

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        try:
            stripe.WebhookSignature.verify_header(
                body.decode("utf-8"),
                headers.get("Stripe-Signature"),
                self._webhook_secret,
                WEBHOOK_TOLERANCE_SECONDS,
            )
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as error:
            raise BadSignature(str(error)) from None
        try:
            event = json.loads(body)
            event_id, event_type = event["id"], event["type"]
            found = event["data"]["object"]
        except (ValueError, KeyError, TypeError):
            raise BadEvent("The body is not a Stripe event.") from None
        if not isinstance(event_id, str) or not isinstance(event_type, str) or not event_id:
            raise BadEvent("The event has no id or type.")
        session_id = ""
        if isinstance(found, dict) and found.get("object") == SESSION_EVENT_OBJECT:
            session_id = str(found.get("id") or "")
        if max(len(event_id), len(session_id)) > MAX_ID_LENGTH:
            raise BadEvent("The event's or its session's id is longer than Stripe's ids.")
        return WebhookEvent(event_id=event_id, event_type=event_type, session_id=session_id)
