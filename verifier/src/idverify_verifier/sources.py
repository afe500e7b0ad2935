"""Fetching the JWKS and the revocation document, on demand and from a daemon thread.

Failures never replace what the verifier holds (last-known-good); they are counted
and logged. Fetching never makes the revocation copy fresher: only a newer signed
document does (see ``revocations.fresh_until``). A 304 merely confirms a copy that is
still inside its own ``exp``; a lower serial, the same serial with other content, or a
document signed in the future is refused.

``Sources`` is the network half of ``Verifier`` and reads and installs its state
directly; the split only keeps each module small.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idverify_verifier.compact import REVOCATIONS_TYP, parse_header, split
from idverify_verifier.errors import InvalidToken
from idverify_verifier.http import Fetch, HttpResponse
from idverify_verifier.keys import SignatureCheck, parse_jwks
from idverify_verifier.revocations import (
    RevocationDocumentError,
    RevocationState,
    fresh_until,
    parse_revocations,
)
from idverify_verifier.strictjson import parse_json_object

if TYPE_CHECKING:
    from idverify_verifier.verifier import Verifier

log = logging.getLogger("idverify_verifier")

_WHITESPACE = b" \t\r\n"


_LIVE: weakref.WeakSet[Sources] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for sources in list(_LIVE):
        sources._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


@dataclass(frozen=True, slots=True)
class Status:
    """What the verifier currently holds; suitable for a model API's readiness check."""

    running: bool
    jwks_loaded: bool
    kids: tuple[str, ...]
    jwks_last_success: float | None
    revocations_serial: int | None
    revocations_last_success: float | None
    fresh: bool
    failed_fetches: int
    cached_tokens: int
    # The signed times of the copy held; freshness is judged from these alone.
    revocations_iat: int | None = None
    revocations_exp: int | None = None


class Sources:
    def __init__(
        self,
        *,
        verifier: Verifier,
        issuer: str,
        jwks_url: str | None,
        revocations_url: str | None,
        fetch: Fetch,
        clock: Callable[[], float],
        poll_interval: float,
        jwks_refresh_interval: float,
        kid_refetch_interval: float,
        max_revocation_age: float,
    ) -> None:
        self._verifier = verifier
        self._issuer = issuer
        self._jwks_url = jwks_url
        self._revocations_url = revocations_url
        self.revocations_configured = revocations_url is not None
        self._fetch = fetch
        self._clock = clock
        self._poll_interval = poll_interval
        self._jwks_refresh_interval = jwks_refresh_interval
        self._kid_refetch_interval = kid_refetch_interval
        self.max_revocation_age = max_revocation_age
        # Re-entrant: reading a revocation document signed by a new key refetches the JWKS.
        self._lock = threading.RLock()
        self._start_lock = threading.Lock()
        self._jwks_loaded = jwks_url is None
        self._jwks_etag: str | None = None
        self._jwks_last_attempt = -math.inf
        self._jwks_last_success: float | None = None
        self._last_kid_refetch = -math.inf
        self._revocations_etag: str | None = None
        self._revocations_last_success: float | None = None
        self._failed_fetches = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._pid: int | None = None
        self._closed = False
        # Read on every uncached verify, so a plain attribute rather than a property.
        self.start_pending = jwks_url is not None or revocations_url is not None
        _LIVE.add(self)

    def _after_fork(self) -> None:
        # Threads do not survive fork: a worker forked after start() must start its own
        # rather than go stale and fail closed. A lock held by another thread at fork
        # time would stay held forever in the child, so all are made anew.
        self._lock = threading.RLock()
        self._start_lock = threading.Lock()
        self._verifier._cache_lock = threading.Lock()
        self._thread = None
        self._pid = None
        self.start_pending = self._needs_thread and not self._closed

    # -- lifecycle ---------------------------------------------------------------

    @property
    def _needs_thread(self) -> bool:
        return self._jwks_url is not None or self._revocations_url is not None

    def start(self) -> Status:
        with self._start_lock:
            if self._closed:
                raise RuntimeError("this verifier has been closed")
            if not self.start_pending:
                return self.status()
            self.poll(force_jwks=True)
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._run, name="idverify-verifier-refresh", daemon=True
            )
            self._thread.start()
            self._pid = os.getpid()
            self.start_pending = False
        return self.status()

    def start_lazily(self) -> None:
        """``start`` on behalf of a verify(), which may raise nothing but InvalidToken."""
        try:
            self.start()
        except Exception:
            # Closed meanwhile, or no thread to be had: verification carries on with what
            # is held, and fails closed once that goes stale.
            log.exception("idverify verifier could not start its refresh")

    def close(self) -> None:
        with self._start_lock:
            self._closed = True
            self.start_pending = False
            self._stop.set()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)

    def _run(self) -> None:
        stop = self._stop
        while not stop.wait(self._poll_interval):
            try:
                self.poll(force_jwks=False)
            except Exception:
                # The thread must outlive any surprise; the verifier fails closed meanwhile.
                log.exception("idverify verifier refresh failed")

    def status(self) -> Status:
        verifier = self._verifier
        revocations = verifier._revocations
        thread = self._thread
        now = self._clock()
        if self.revocations_configured:
            fresh = revocations is not None and now <= verifier._fresh_until
        else:
            fresh = True
        return Status(
            running=thread is not None and thread.is_alive() and self._pid == os.getpid(),
            jwks_loaded=self._jwks_loaded,
            kids=tuple(sorted(verifier._public_keys)),
            jwks_last_success=self._jwks_last_success,
            revocations_serial=None if revocations is None else revocations.serial,
            revocations_last_success=self._revocations_last_success,
            fresh=fresh,
            failed_fetches=self._failed_fetches,
            cached_tokens=len(verifier._cache),
            revocations_iat=None if revocations is None else revocations.iat,
            revocations_exp=None if revocations is None else revocations.exp,
        )

    # -- polling -----------------------------------------------------------------

    def poll(self, *, force_jwks: bool) -> Status:
        with self._lock:
            now = self._clock()
            if self._jwks_url is not None and (
                force_jwks
                or not self._jwks_loaded
                or now - self._jwks_last_attempt >= self._jwks_refresh_interval
            ):
                self._poll_jwks()
            if self._revocations_url is not None:
                self._poll_revocations(self._revocations_url)
        return self.status()

    def _get(self, url: str, etag: str | None) -> HttpResponse | None:
        try:
            return self._fetch(url, etag)
        except Exception as error:
            # The seam may be any callable: whatever it raises is just a failed fetch.
            self._failed(f"fetching {url} failed: {error!r}")
            return None

    def _failed(self, reason: str) -> None:
        self._failed_fetches += 1
        log.warning("idverify verifier: %s; keeping the last good copy", reason)

    def _poll_jwks(self) -> None:
        url = self._jwks_url
        assert url is not None  # noqa: S101 - only called with a URL configured
        self._jwks_last_attempt = self._clock()
        response = self._get(url, self._jwks_etag if self._jwks_loaded else None)
        if response is None:
            return
        if response.status == 304 and self._jwks_loaded:
            self._jwks_last_success = self._clock()
            return
        if response.status != 200:
            self._failed(f"{url} answered HTTP {response.status}")
            return
        try:
            keys = parse_jwks(parse_json_object(response.body, "JWKS"))
        except (InvalidToken, ValueError) as error:
            self._failed(f"{url} did not answer a JWKS: {error}")
            return
        if not keys:
            self._failed(f"{url} published no usable Ed25519 key")
            return
        if self._verifier._install_keys(keys):
            log.info("idverify verifier: JWKS now has kids %s", sorted(keys))
        self._jwks_etag = response.etag
        self._jwks_loaded = True
        self._jwks_last_success = self._clock()

    def _poll_revocations(self, url: str) -> None:
        verifier = self._verifier
        held = verifier._revocations
        # A 304 can only confirm a copy that is itself still inside its exp; past that,
        # ask for the whole document, so a "not modified" cannot stand in for a new one.
        confirmable = held is not None and self._clock() <= held.exp + verifier.leeway
        response = self._get(url, self._revocations_etag if confirmable else None)
        if response is None:
            return
        if response.status == 304:
            if confirmable:
                self._succeeded()
            else:
                self._failed(f"{url} answered 304 to a request that asked for the document")
            return
        if response.status != 200:
            self._failed(f"{url} answered HTTP {response.status}")
            return
        try:
            state = self._read_revocations(response.body)
        except (InvalidToken, RevocationDocumentError) as error:
            self._failed(f"{url} answered an unusable revocation document: {error}")
            return
        refusal = self._refusal(state, held)
        if refusal is not None:
            self._failed(f"{url} answered {refusal}")
            return
        if held is None or state.serial > held.serial:
            limit = fresh_until(state, leeway=verifier.leeway, max_age=self.max_revocation_age)
            verifier._install_revocations(state, limit)
        self._revocations_etag = response.etag
        self._succeeded()

    def _refusal(self, state: RevocationState, held: RevocationState | None) -> str | None:
        """Why an authentic document must not be taken, or None to take it."""
        ahead = state.iat - self._clock()
        if ahead > self._verifier.leeway:
            # Believed, it would count as new for as long as it claims.
            return f"serial {state.serial} signed {ahead:.0f} s in the future (check clocks)"
        if held is None:
            return None
        if state.serial < held.serial:
            # Never go back: an older document may lack revocations made since.
            return f"serial {state.serial}, older than serial {held.serial} held"
        if state.serial == held.serial and state != held:
            return f"serial {state.serial} again with different content"
        return None

    def _succeeded(self) -> None:
        self._revocations_last_success = self._clock()

    def _read_revocations(self, body: bytes) -> RevocationState:
        header_segment, payload, signature, signing_input = split(body.strip(_WHITESPACE))
        kid = parse_header(header_segment, typ=REVOCATIONS_TYP)
        check = self._verifier._checks.get(kid) or self.key_for(kid)
        if not check(signature, signing_input):
            raise InvalidToken("signature", "the revocation document's signature does not match")
        return parse_revocations(parse_json_object(payload, "document"), issuer=self._issuer)

    # -- keys --------------------------------------------------------------------

    def key_for(self, kid: str) -> SignatureCheck:
        """The check for a kid not in the current key set: one rate-limited JWKS refetch."""
        verifier = self._verifier
        if self._jwks_url is not None and not self._closed:
            now = self._clock()
            if now - self._last_kid_refetch >= self._kid_refetch_interval:
                with self._lock:
                    check = verifier._checks.get(kid)
                    if check is not None:
                        return check
                    if now - self._last_kid_refetch >= self._kid_refetch_interval:
                        self._last_kid_refetch = now
                        self._poll_jwks()
                        # Without keys no revocation document could be checked either;
                        # fetch it now rather than fail stale until the next poll.
                        if self._revocations_url is not None and verifier._revocations is None:
                            self._poll_revocations(self._revocations_url)
            check = verifier._checks.get(kid)
            if check is not None:
                return check
        if not self._jwks_loaded:
            raise InvalidToken("jwks.unavailable", "the issuer's keys could not be fetched")
        raise InvalidToken("key.unknown", "no published key has the token's kid")
