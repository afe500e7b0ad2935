"""The rate limits' clock, held still (accounts/throttling.py counts per window).

A limit counted in fixed windows starts again when the minute turns. A test
that spends an allowance and then expects a 429 would pass or fail depending
on whether its requests straddle that moment, so such a test asks for
``throttle_clock``: the throttles then read a clock set just after a minute
starts, which moves only when the test moves it.
"""

from __future__ import annotations

import time

import pytest

from accounts import throttling


class ThrottleClock:
    def __init__(self) -> None:
        self.now = (time.time() // 60 + 1) * 60 + 1

    def time(self) -> float:
        return self.now


@pytest.fixture
def throttle_clock(monkeypatch: pytest.MonkeyPatch) -> ThrottleClock:
    clock = ThrottleClock()
    monkeypatch.setattr(throttling, "time", clock)
    return clock
