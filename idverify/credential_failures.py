"""Failed credential attempts, counted per client address and per credential, per minute.

Personal access tokens and model API credentials are long random secrets:
guessing one is hopeless, so a lockout would protect nothing and would let
anyone lock out a key they can name. What the counts are for is telling a
caller who keeps failing to stop (429 with ``Retry-After``) and keeping the
count where every process sees it (the shared cache, ``idverify.E008``).

So a failure is answered 429 instead of 401 once its client address, or the
credential it named (an API key's visible prefix, a model client's id), has
failed ``IDV_AUTH_FAILURES_PER_MINUTE`` times this minute; and a valid
credential is always let through, whoever failed before it from its address
or with its prefix.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions

from idverify.cache import count_in_window

# A minute's counter outlives its minute a little, for requests that straddle it.
_TIMEOUT = 90


def _minute() -> int:
    return int(timezone.now().timestamp() // 60)


def _seconds_left() -> int:
    return 60 - int(timezone.now().timestamp()) % 60


def _count(key: str) -> int:
    """Add one to ``key``'s counter; the count before this one."""
    return count_in_window(key, _TIMEOUT) - 1


@dataclass(frozen=True)
class CredentialAttempt:
    """One attempt to authenticate with a kind of credential (``scope``).

    ``address`` is the real client address (behind trusted proxies, not theirs);
    ``credential`` names the credential presented without its secret part, or is
    None when nothing usable was presented.
    """

    scope: str
    address: str
    credential: str | None = None

    def _keys(self) -> list[str]:
        minute = _minute()
        keys = [f"authfail:{self.scope}:address:{self.address}:{minute}"]
        if self.credential is not None:
            # Hashed: the name comes from the caller, and cache keys must stay plain.
            named = hashlib.sha256(self.credential.encode()).hexdigest()[:32]
            keys.append(f"authfail:{self.scope}:credential:{named}:{minute}")
        return keys

    def failed(self, message: str) -> exceptions.APIException:
        """Count this failure; the error to raise for it.

        401 with ``message``, or 429 once the address or the named credential has
        already failed the allowed number of times this minute.
        """
        before = max(_count(key) for key in self._keys())
        if before >= settings.IDV_AUTH_FAILURES_PER_MINUTE:
            return exceptions.Throttled(wait=_seconds_left())
        return exceptions.AuthenticationFailed(message)
