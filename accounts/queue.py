"""Enqueue accounts' background work after the current transaction commits.

Services name tasks rather than import them: the task modules import the
services, so importing back would be a cycle. ``AccountsConfig.ready``
registers the tasks in every process, which is what makes the names resolve
(and run in-process when there is no broker).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from idverify.celery import app
from idverify.enqueue import publish


def enqueue(task_name: str, *args: Any) -> None:
    signature = app.signature(task_name, args=args)
    if settings.IDV_ACCOUNTS_TASK_QUEUE:
        signature.set(queue=settings.IDV_ACCOUNTS_TASK_QUEUE)
    # A broker outage is logged; the periodic resume tasks send it later (idverify.enqueue).
    publish(signature)


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    transaction.on_commit(lambda: enqueue(task_name, *args))
