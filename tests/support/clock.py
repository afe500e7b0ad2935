"""Clocks tests hold still and move by hand.

``throttle_clock``: the rate limits' clock (accounts/throttling.py counts per window).

A limit counted in fixed windows starts again when the minute turns. A test
that spends an allowance and then expects a 429 would pass or fail depending
on whether its requests straddle that moment, so such a test asks for
``throttle_clock``: the throttles then read a clock set just after a minute
starts, which moves only when the test moves it.

``recent_reads_clock``: the clock after which a process's recent reads lapse
(idverify/recent_reads.py), with IDV_API_KEY_CACHE_SECONDS at its default, 5.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from accounts import throttling
from idverify import recent_reads


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


class ReadsClock:
    """A monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def recent_reads_clock(monkeypatch: pytest.MonkeyPatch, settings: Any) -> ReadsClock:
    settings.IDV_API_KEY_CACHE_SECONDS = 5
    clock = ReadsClock()
    monkeypatch.setattr(recent_reads, "clock", clock)
    return clock
