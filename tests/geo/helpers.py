"""Helpers shared by the geo tests."""

from __future__ import annotations


class ManualClock:
    """A monotonic clock the test moves, so reopen intervals need no sleep."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
