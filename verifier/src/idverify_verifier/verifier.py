"""``Verifier``: offline verification of entitlement tokens, kept current in the background."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any, Final, Self

from idverify_verifier.claims import IAL_LEVELS, Claims, check_claims
from idverify_verifier.compact import (
    MAX_TOKEN_BYTES,
    TOKEN_TYP,
    as_bytes,
    parse_header,
    split,
)
from idverify_verifier.errors import InvalidToken
from idverify_verifier.http import Fetch, check_url, urllib_fetch
from idverify_verifier.keys import (
    Backend,
    SignatureCheck,
    parse_jwks,
    resolve_backend,
    signature_checks,
)
from idverify_verifier.revocations import RevocationState, check_revocation, staleness
from idverify_verifier.sources import Sources, Status
from idverify_verifier.strictjson import parse_json_object

log = logging.getLogger("idverify_verifier")

# A header segment is the same for every token signed with one key, so a handful of
# entries covers real traffic; the cap only stops a flood of junk headers growing it.
_HEADER_CACHE_SIZE: Final = 256

# (claims, earliest acceptable now, first unacceptable now, revocation state applied)
_Entry = tuple[Claims, float, float, RevocationState | None]


class Verifier:
    """Verify entitlement tokens for one model tier (``audience``) of one ``issuer``.

    Give exactly one of ``jwks_url`` (fetched, refreshed in the background) or ``jwks``
    (a JWKS dict, fixed). With ``revocations_url`` the signed revocation document is
    polled every ``poll_interval`` seconds, and verification fails closed with
    ``revocation.stale`` once the document held is past its signed ``exp`` (plus
    ``leeway``) or was signed (``iat``) more than ``max_revocation_age`` seconds ago;
    when it was fetched never matters. Every time decision reads ``clock``.
    """

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        jwks: Mapping[str, Any] | None = None,
        revocations_url: str | None = None,
        leeway: float = 30,
        max_revocation_age: float = 60,
        clock: Callable[[], float] = time.time,
        poll_interval: float = 5.0,
        jwks_refresh_interval: float = 300,
        kid_refetch_interval: float = 30,
        fetch: Fetch | None = None,
        cache_size: int = 10_000,
        backend: Backend = "auto",
        min_ial: str = "none",
    ) -> None:
        if not isinstance(issuer, str) or not issuer:
            raise ValueError("issuer must be a non-empty string")
        if not isinstance(audience, str) or not audience:
            raise ValueError("audience must be a non-empty string (the model tier slug)")
        if min_ial not in IAL_LEVELS:
            raise ValueError("min_ial must be one of " + ", ".join(IAL_LEVELS))
        if (jwks_url is None) == (jwks is None):
            raise ValueError("give exactly one of jwks_url and jwks")
        if leeway < 0 or max_revocation_age <= 0 or poll_interval <= 0:
            raise ValueError("leeway must be >= 0; max_revocation_age and poll_interval > 0")
        if revocations_url is not None and poll_interval >= max_revocation_age:
            raise ValueError("poll_interval must be shorter than max_revocation_age")
        if revocations_url is None:
            # Allowed (tests, offline tools), but a model API must not run like this.
            log.warning(
                "no revocations_url: directives, revoked users and revoked tokens are not "
                "enforced; only signature, claims and time are checked"
            )
        self.issuer: Final = issuer
        self.audience: Final = audience
        self.leeway: Final = float(leeway)
        # Tokens whose ``ial`` claim is below this are refused (``assurance.too_low``).
        self.min_ial: Final = min_ial
        self._min_ial_rank: Final = IAL_LEVELS.index(min_ial)
        self.backend: Final = resolve_backend(backend)
        self._clock = clock
        self._cache_size = cache_size
        self._cache: dict[str | bytes, _Entry] = {}
        self._cache_lock = threading.Lock()
        self._headers: dict[bytes, str] = {}
        self._checks: dict[str, SignatureCheck] = {}
        self._public_keys: dict[str, bytes] = {}
        if jwks is not None:
            keys = parse_jwks(dict(jwks))
            if not keys:
                raise ValueError("the JWKS has no usable Ed25519 key")
            self._install_keys(keys)
        self._revocations: RevocationState | None = None
        # No revocation document to keep fresh means nothing can go stale.
        self._fresh_until = -math.inf if revocations_url is not None else math.inf
        self._sources = Sources(
            verifier=self,
            issuer=issuer,
            jwks_url=None if jwks_url is None else check_url(jwks_url, "jwks_url"),
            revocations_url=(
                None if revocations_url is None else check_url(revocations_url, "revocations_url")
            ),
            fetch=fetch if fetch is not None else urllib_fetch(),
            clock=clock,
            poll_interval=float(poll_interval),
            jwks_refresh_interval=float(jwks_refresh_interval),
            kid_refetch_interval=float(kid_refetch_interval),
            max_revocation_age=float(max_revocation_age),
        )

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> Status:
        """Fetch everything once, synchronously, then keep it fresh from a daemon thread."""
        return self._sources.start()

    def close(self) -> None:
        """Stop the background thread. Later verifies fail closed once the copy goes stale."""
        self._sources.close()

    def refresh(self) -> Status:
        """Poll the JWKS and the revocation document now, synchronously."""
        return self._sources.poll(force_jwks=True)

    def status(self) -> Status:
        return self._sources.status()

    @property
    def needs_start(self) -> bool:
        """True when the next verify would block on starting (first fetches, thread start)."""
        return self._sources.start_pending

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- verification ------------------------------------------------------------

    def verify(self, token: str | bytes) -> Claims:
        """Return the token's claims, or raise ``InvalidToken``; never anything else."""
        cache = self._cache
        try:
            # An empty cache (disabled, or just cleared) would still hash the whole token.
            entry = cache.get(token) if cache else None
        except TypeError:  # unhashable input; the slow path names the problem
            entry = None
        if entry is not None:
            now = self._clock()
            claims, not_before, expires, revocations = entry
            if (
                not_before <= now < expires
                and now <= self._fresh_until
                and revocations is self._revocations
            ):
                return claims
        return self._verify_slow(token, entry)

    def _verify_slow(self, token: str | bytes, entry: _Entry | None) -> Claims:
        sources = self._sources
        if sources.start_pending:
            sources.start_lazily()
        now = self._clock()
        if entry is not None:
            checks = self._checks
            claims, not_before, expires, _ = entry
            # Still in the current cache means still backed by a published key, so
            # only the time or the revocation side needs another look.
            if not_before <= now < expires and self._cache.get(token) is entry:
                return self._admit(token, claims, now, checks)
            self._cache.pop(token, None)
        if type(token) is str and len(token) <= MAX_TOKEN_BYTES and token.isascii():
            data = token.encode("ascii")
            key: str | bytes = token
        else:
            data = as_bytes(token)
            key = token if isinstance(token, str) else data
        header_segment, payload, signature, signing_input = split(data)
        kid = self._headers.get(header_segment)
        if kid is None:
            kid = parse_header(header_segment, typ=TOKEN_TYP)
            if len(self._headers) >= _HEADER_CACHE_SIZE:
                self._headers.clear()
            self._headers[header_segment] = kid
        checks = self._checks
        check = checks.get(kid)
        if check is None:
            check = sources.key_for(kid)
            checks = self._checks
        if not check(signature, signing_input):
            raise InvalidToken("signature", "the signature does not match the token")
        claims = check_claims(
            parse_json_object(payload, "payload"),
            issuer=self.issuer,
            audience=self.audience,
            now=now,
            leeway=self.leeway,
        )
        if IAL_LEVELS.index(claims.ial) < self._min_ial_rank:
            raise InvalidToken(
                "assurance.too_low",
                f"the token's identity assurance is {claims.ial}; this model needs "
                f"{self.min_ial} (evidence: {', '.join(claims.evd) or 'none'})",
            )
        return self._admit(key, claims, now, checks)

    def _admit(
        self, token: str | bytes, claims: Claims, now: float, checks: dict[str, SignatureCheck]
    ) -> Claims:
        """Apply freshness and revocation, then remember the verdict."""
        revocations = self._revocations
        if self._sources.revocations_configured:
            if revocations is None:
                self._cache.pop(token, None)
                raise InvalidToken(
                    "revocation.stale", "no revocation document has been fetched yet"
                )
            if now > self._fresh_until:
                self._cache.pop(token, None)
                raise InvalidToken(
                    "revocation.stale",
                    staleness(
                        revocations,
                        now=now,
                        leeway=self.leeway,
                        max_age=self._sources.max_revocation_age,
                    ),
                )
            try:
                check_revocation(revocations, claims)
            except InvalidToken:
                self._cache.pop(token, None)
                raise
        if self._cache_size > 0:
            entry = (claims, claims.nbf - self.leeway, claims.exp + self.leeway, revocations)
            with self._cache_lock:
                # A key set installed while this token was being checked may have
                # dropped its key; such a verdict must not outlive the check.
                if checks is self._checks:
                    cache = self._cache
                    if token not in cache and len(cache) >= self._cache_size:
                        # verify() drops stale verdicts without the lock; one dropped
                        # while this looks for the oldest made room already (and makes
                        # iterating raise), so the eviction is then skipped.
                        with suppress(RuntimeError, StopIteration, KeyError):
                            del cache[next(iter(cache))]
                    cache[token] = entry
        return claims

    # -- state installed by Sources ---------------------------------------------

    def _install_keys(self, keys: dict[str, bytes]) -> bool:
        """Swap in a new key set; returns whether anything changed."""
        if keys == self._public_keys:
            return False
        checks = signature_checks(keys, self.backend)
        with self._cache_lock:
            self._public_keys = keys
            self._checks = checks
            # Verdicts made with a key that is no longer published must not survive it.
            self._cache = {}
        return True

    def _install_revocations(self, state: RevocationState, fresh_until: float) -> None:
        # The state first: cached verdicts name the state they were made under, so they
        # stop counting at once, before the new limit could lengthen their life.
        self._revocations = state
        self._fresh_until = fresh_until
