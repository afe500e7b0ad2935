"""A local Stripe-compatible server for Identity, and webhooks signed as Stripe signs them.

The real ``stripe`` library talks to it over HTTP (IDV_STRIPE_API_BASE). It
answers ``POST /v1/identity/verification_sessions`` and ``GET
/v1/identity/verification_sessions/{id}`` with the objects Stripe's API
reference documents (identity.verification_session, and the
identity.verification_report it expands to), honouring ``expand``: the birth
date and the document's expiry come back only when expanded by name, as
Stripe's do. Tests move a session along as Stripe would (``verify``,
``set_status``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support.serving import serve_in_thread

SESSIONS = "/v1/identity/verification_sessions"
_ids = itertools.count(1)


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    authorization: str


@dataclass
class Passport:
    """What the person showed Stripe (defaults: Anna Maria Eriksson's U.S. passport)."""

    kind: str = "passport"
    issuing_country: str = "US"
    first_name: str = "Anna Maria"
    last_name: str = "Eriksson"
    dob: dt.date = dt.date(1974, 8, 12)
    expires: dt.date = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3000)
    )
    selfie_verified: bool = True


def _day(value: dt.date) -> dict[str, int]:
    return {"day": value.day, "month": value.month, "year": value.year}


class FakeStripe:
    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.reports: dict[str, dict[str, Any]] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
                self.end_headers()
                self.wfile.write(data)

            def _record(self, params: list[tuple[str, str]]) -> None:
                with fake._lock:
                    fake.requests.append(
                        Request(
                            self.command,
                            urlsplit(self.path).path,
                            dict(params),
                            self.headers.get("Authorization", ""),
                        )
                    )

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                params = parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)
                self._record(params)
                if urlsplit(self.path).path != SESSIONS:
                    self._answer(404, fake.missing("url", self.path))
                    return
                self._answer(200, fake.create(dict(params)))

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                params = parse_qsl(url.query, keep_blank_values=True)
                self._record(params)
                session_id = url.path.removeprefix(SESSIONS + "/")
                if not url.path.startswith(SESSIONS + "/") or session_id not in fake.sessions:
                    self._answer(404, fake.missing("session", session_id))
                    return
                expand = [value for key, value in params if key.startswith("expand")]
                self._answer(200, fake.render(session_id, expand))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = serve_in_thread(self.server)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def missing(param: str, value: str) -> dict[str, Any]:
        return {
            "error": {
                "code": "resource_missing",
                "message": f"No such verification_session: '{value}'",
                "param": param,
                "type": "invalid_request_error",
            }
        }

    def create(self, params: dict[str, str]) -> dict[str, Any]:
        session_id = f"vs_test_{next(_ids):06d}{secrets.token_hex(4)}"
        metadata = {
            key[len("metadata[") : -1]: value
            for key, value in params.items()
            if key.startswith("metadata[")
        }
        allowed = [v for k, v in params.items() if k.startswith("options[document][allowed_types]")]
        session = {
            "id": session_id,
            "object": "identity.verification_session",
            "client_reference_id": params.get("client_reference_id"),
            "client_secret": f"{session_id}_secret_{secrets.token_hex(8)}",
            "created": int(time.time()),
            "last_error": None,
            "last_verification_report": None,
            "livemode": False,
            "metadata": metadata,
            "options": {
                "document": {
                    "allowed_types": allowed,
                    "require_live_capture": params.get("options[document][require_live_capture]")
                    == "true",
                    "require_matching_selfie": params.get(
                        "options[document][require_matching_selfie]"
                    )
                    == "true",
                }
            },
            "provided_details": None,
            "redaction": None,
            "related_customer": None,
            "status": "requires_input",
            "type": params.get("type", "document"),
            "url": f"https://verify.stripe.com/start/test_{secrets.token_hex(12)}",
            "verified_outputs": None,
        }
        self.sessions[session_id] = session
        return session

    def set_status(self, session_id: str, status: str, *, error: str | None = None) -> None:
        session = self.sessions[session_id]
        session["status"] = status
        session["last_error"] = (
            {"code": error, "reason": "The document could not be verified."} if error else None
        )

    def set_metadata(self, session_id: str, **metadata: str) -> None:
        self.sessions[session_id]["metadata"].update(metadata)

    def verify(self, session_id: str, passport: Passport | None = None) -> None:
        """Stripe finished: the document and the selfie verified; outputs recorded."""
        shown = passport or Passport()
        session = self.sessions[session_id]
        report_id = f"vr_test_{secrets.token_hex(8)}"
        self.reports[report_id] = {
            "id": report_id,
            "object": "identity.verification_report",
            "client_reference_id": session["client_reference_id"],
            "created": int(time.time()),
            "livemode": False,
            "options": session["options"],
            "type": "document",
            "verification_session": session_id,
            "document": {
                "address": None,
                "error": None,
                "files": [f"file_{secrets.token_hex(6)}"],
                "first_name": shown.first_name,
                "last_name": shown.last_name,
                "issued_date": {"day": 1, "month": 1, "year": 2020},
                "issuing_country": shown.issuing_country,
                "status": "verified",
                "type": shown.kind,
                # Sensitive: present only when expanded (see render).
                "dob": _day(shown.dob),
                "expiration_date": _day(shown.expires),
                "number": "X12345678",
            },
            "selfie": {
                "document": f"file_{secrets.token_hex(6)}",
                "selfie": f"file_{secrets.token_hex(6)}",
                "status": "verified" if shown.selfie_verified else "unverified",
                "error": None
                if shown.selfie_verified
                else {"code": "selfie_face_mismatch", "reason": "The faces differ."},
            },
        }
        session["status"] = "verified" if shown.selfie_verified else "requires_input"
        session["last_verification_report"] = report_id
        session["verified_outputs"] = {
            "address": None,
            "dob": _day(shown.dob),
            "email": None,
            "first_name": shown.first_name,
            "id_number": None,
            "id_number_type": None,
            "last_name": shown.last_name,
            "phone": None,
        }

    def render(self, session_id: str, expand: list[str]) -> dict[str, Any]:
        """The session as Stripe returns it for ``expand`` (sensitive fields need naming)."""
        session: dict[str, Any] = json.loads(json.dumps(self.sessions[session_id]))
        outputs = session.get("verified_outputs")
        if outputs is not None and "verified_outputs.dob" not in expand:
            outputs["dob"] = None
        if "verified_outputs" not in expand:
            session["verified_outputs"] = None
        report_id = session.get("last_verification_report")
        if report_id and "last_verification_report" in expand:
            report = json.loads(json.dumps(self.reports[report_id]))
            document = report["document"]
            for name in ("dob", "expiration_date", "number"):
                if f"last_verification_report.document.{name}" not in expand:
                    document[name] = None
            session["last_verification_report"] = report
        return session

    def event(self, session_id: str, event_type: str, **lies: Any) -> str:
        """A webhook body as Stripe sends it: the session as it is now (plus ``lies``)."""
        snapshot = {**self.render(session_id, []), **lies}
        return json.dumps(
            {
                "id": f"evt_test_{secrets.token_hex(8)}",
                "object": "event",
                "api_version": "2025-09-30.clover",
                "created": int(time.time()),
                "data": {"object": snapshot},
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
                "type": event_type,
            }
        )


def stripe_signature(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    """The Stripe-Signature header: t=<unix time>, v1=HMAC-SHA256(secret, "<t>.<payload>")."""
    at = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{at}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"
