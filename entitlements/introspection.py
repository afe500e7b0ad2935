"""Introspection runs the offline verifier in process, so both always agree.

Each model tier gets a ``Verifier`` holding the current JWKS (rebuilt when the
key set changes) whose revocation "fetch" hands it the document this process
would serve; it is refreshed before every answer, so a revocation counts the
moment it commits. The leeway is the verifiers' default, 30 s, for the same
reason: introspection says exactly what a model API's own verifier would.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings

from entitlements import publication
from entitlements.publication import SignedDocument
from idverify_verifier import Claims, HttpResponse, InvalidToken, Verifier

LEEWAY = 30
# Never reached: introspection refreshes before each answer. It only bounds the
# background poll the verifier keeps, which reads memory, not the network.
_POLL_INTERVAL = 30.0
_MAX_AGE = 60.0
_IN_PROCESS_URL = "http://in-process.invalid/api/v1/revocations"


def now() -> float:
    """The clock introspection judges tokens by (the seam tests freeze)."""
    return time.time()


class _Introspector:
    def __init__(self, *, audience: str, jwks: dict[str, Any]) -> None:
        self._document: SignedDocument | None = None
        self._lock = threading.Lock()
        self.verifier = Verifier(
            issuer=settings.IDV_BASE_URL,
            audience=audience,
            jwks=jwks,
            revocations_url=_IN_PROCESS_URL,
            fetch=self._fetch,
            leeway=LEEWAY,
            poll_interval=_POLL_INTERVAL,
            max_revocation_age=_MAX_AGE,
            clock=lambda: now(),  # noqa: PLW0108 - looked up per call, so tests can freeze it
        )

    def _fetch(self, url: str, if_none_match: str | None) -> HttpResponse:
        document = self._document
        if document is None:
            raise RuntimeError("no revocation document handed over yet")
        if if_none_match == document.etag:
            return HttpResponse(304, b"", document.etag)
        return HttpResponse(200, document.body, document.etag)

    def claims(self, token: str, document: SignedDocument) -> Claims | None:
        with self._lock:
            self._document = document
            self.verifier.refresh()
        try:
            return self.verifier.verify(token)
        except InvalidToken:
            return None


_lock = threading.Lock()
_introspectors: dict[tuple[str, str, str], _Introspector] = {}


def _introspector(audience: str, jwks: dict[str, Any]) -> _Introspector:
    kids = ",".join(sorted(key["kid"] for key in jwks["keys"]))
    cache_key = (settings.IDV_BASE_URL, audience, kids)
    found = _introspectors.get(cache_key)
    if found is not None:
        return found
    with _lock:
        stale = [key for key in _introspectors if key[:2] == cache_key[:2]]
        for key in stale:
            _introspectors.pop(key).verifier.close()
        created = _introspectors[cache_key] = _Introspector(audience=audience, jwks=jwks)
        return created


def forget() -> None:
    with _lock:
        for introspector in _introspectors.values():
            introspector.verifier.close()
        _introspectors.clear()


def introspect(*, token: str, audience: str) -> Claims | None:
    """The token's claims if a verifier for ``audience`` would accept it now, else None."""
    jwks = publication.jwks()
    if not jwks["keys"]:
        return None
    document = publication.revocation_document()
    return _introspector(audience, jwks).claims(token, document)
