"""Test-only periodic tasks: they report which process ran them, fail, or hold on.

Importing this module registers them with the Celery app, as an app's
``tasks.py`` would be registered.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from celery import shared_task

# For a held job: set when it starts, and it returns once ``release`` is set.
started = threading.Event()
release = threading.Event()


@shared_task(name="tests.periodic_probe")
def probe(path: str) -> None:
    with Path(path).open("a", encoding="ascii") as handle:
        handle.write(f"{os.getpid()}\n")


@shared_task(name="tests.periodic_explode")
def explode() -> None:
    raise RuntimeError("this periodic job always fails")


@shared_task(name="tests.periodic_hold")
def hold() -> None:
    started.set()
    release.wait(30)
