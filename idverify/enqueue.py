"""Hand a task to the broker; with the broker down, leave it to the periodic sweep.

Queued work is never only a message: every task the services enqueue acts on
a row that records what is still to do (an enrolment job ``queued``, an
invitation not yet claimed, a document ``processing``, a re-screen not
finished), and a periodic task re-enqueues rows left waiting too long
(``CELERY_BEAT_SCHEDULE``: ``accounts.enrolments_resume_stalled``,
``accounts.invitations_send_pending``, ``attestations.documents_read_stalled``,
``screening.rescreens_resume_stalled``). So when Redis (or RabbitMQ) is down,
a failed publish is logged and the request that asked for the work succeeds:
the row is committed, and the sweep sends the task once the broker is back.
"""

from __future__ import annotations

import logging

from celery.canvas import Signature
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from idverify.celery import app

log = logging.getLogger("idverify.enqueue")

_BROKER_DOWN = (KombuOperationalError, RedisError, ConnectionError, OSError)


def publish(signature: Signature) -> bool:
    """Send ``signature`` (or run it here without a broker); False when the broker is down."""
    if app.conf.task_always_eager:
        # No broker: run it here and now, without asking Kombu for a producer.
        signature.apply()
        return True
    try:
        signature.apply_async()
    except _BROKER_DOWN as error:
        log.warning(
            "broker unreachable (%s); task %s is left to its periodic re-enqueue",
            type(error).__name__,
            signature.task,
        )
        return False
    return True
