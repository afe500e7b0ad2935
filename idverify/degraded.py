"""Outside things that can fail while the service carries on: told once, not per request.

When Redis or the broker is unreachable the service keeps answering (in a
degraded way each caller chooses), and a log line per request would bury
everything else: at thousands of requests a second it becomes the outage.
``Outage`` logs the first failure of a dependency, then at most one summary per
``interval`` with the number of failures since, and one line when it works again.
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("idverify.degraded")

DEFAULT_INTERVAL = 60.0


class Outage:
    """The state of one dependency, as this process has seen it."""

    def __init__(self, name: str, *, consequence: str, interval: float = DEFAULT_INTERVAL) -> None:
        self.name = name
        self.consequence = consequence
        self.interval = interval
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._last_logged = 0.0
        self._failures = 0

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._failures += 1
            first = self._down_since is None
            if first:
                self._down_since = now
            elif now - self._last_logged < self.interval:
                return
            failures, self._failures = self._failures, 0
            self._last_logged = now
            down_for = now - (self._down_since or now)
        if first:
            log.warning(
                "%s unavailable (%s: %s); %s",
                self.name,
                type(error).__name__,
                error,
                self.consequence,
                extra={"dependency": self.name},
            )
        else:
            log.warning(
                "%s still unavailable after %.0f s (%d failures since the last report; %s: %s)",
                self.name,
                down_for,
                failures,
                type(error).__name__,
                error,
                extra={"dependency": self.name},
            )

    def succeeded(self) -> None:
        if self._down_since is None:  # the common case: no lock, no work
            return
        with self._lock:
            since, self._down_since = self._down_since, None
            self._failures = 0
        if since is not None:
            log.warning(
                "%s available again after %.1f s",
                self.name,
                time.monotonic() - since,
                extra={"dependency": self.name},
            )
