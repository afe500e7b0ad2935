"""Seal at shutdown, best effort: events a process wrote since the last periodic seal
get their signature as it stops, instead of waiting for the next seal.

The web process registers ``seal_at_exit`` (``idverify.wsgi``/``asgi``); a Celery
worker seals on ``worker_shutdown`` (connected in ``AuditConfig.ready``). A
process killed outright (SIGKILL, out of memory) does not run either: its
events wait for the periodic seal, a few seconds away.
"""

from __future__ import annotations

import atexit
import logging
from typing import Any

from audit.services import audit_seal_all

logger = logging.getLogger(__name__)


def seal_before_exit(**_signal_args: Any) -> None:
    try:
        sealed = audit_seal_all()
    except Exception:  # a database gone away must not hold up the exit
        logger.warning("The audit log could not be sealed at shutdown.", exc_info=True)
        return
    if sealed:
        logger.info("Sealed %d audit events at shutdown.", sealed)


def seal_at_exit() -> None:
    """Seal when this interpreter exits normally (a gunicorn worker after SIGTERM does)."""
    atexit.register(seal_before_exit)
