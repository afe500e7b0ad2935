"""Celery: broker, task limits, and the whole periodic schedule in one place."""

from __future__ import annotations

from idverify.env import env_int, env_secret
from idverify.settings.audit import IDV_AUDIT_SEAL_SECONDS
from idverify.settings.entitlements import IDV_RECHECK_SECONDS, IDV_REVOCATIONS_TTL_SECONDS
from idverify.settings.screening import IDV_SCREENING_FETCH_SECONDS

# --- Celery --------------------------------------------------------------------------
CELERY_BROKER_URL = env_secret("CELERY_BROKER_URL") or None
CELERY_RESULT_BACKEND = env_secret("CELERY_RESULT_BACKEND") or None
# Without a broker, tasks run in-process at call time (quick start, small installs).
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540, minimum=5)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
# With Redis, a task taken by a worker that died is handed out again only after
# this many seconds; it must exceed the longest task (CELERY_TASK_TIME_LIMIT).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("IDV_CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
}

# Every periodic task, with its period in seconds.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "prune-api-keys": {"task": "accounts.api_keys_prune", "schedule": 3600.0},
    # A late seal is worthless once the next is due: expire it rather than queue a backlog.
    "seal-audit-log": {
        "task": "audit.seal_pending",
        "schedule": float(IDV_AUDIT_SEAL_SECONDS),
        "options": {"expires": float(IDV_AUDIT_SEAL_SECONDS)},
    },
    "purge-document-images": {
        "task": "attestations.document_images_purge",
        "schedule": 3600.0,
    },
    "rotate-signing-keys": {"task": "entitlements.rotate_signing_keys", "schedule": 3600.0},
    # Re-signed even when unchanged: verifiers fail closed once a copy is past its exp.
    # A beat that waited in the queue past the next one is worthless: expire it.
    "revocations-heartbeat": {
        "task": "entitlements.revocations_heartbeat",
        "schedule": IDV_REVOCATIONS_TTL_SECONDS / 2,
        "options": {"expires": IDV_REVOCATIONS_TTL_SECONDS / 2},
    },
    # Evidence past its expiry (or a changed document mapping) revokes the tokens on it.
    # Late runs are worthless once the next is due: expire them rather than queue a backlog.
    "assurance-recheck": {
        "task": "entitlements.assurance_recheck",
        "schedule": float(IDV_RECHECK_SECONDS),
        "options": {"expires": float(IDV_RECHECK_SECONDS)},
    },
    "accounts-invitations-send-pending": {
        "task": "accounts.invitations_send_pending",
        "schedule": 300.0,
    },
    "accounts-enrolments-resume-stalled": {
        "task": "accounts.enrolments_resume_stalled",
        "schedule": 60.0,
    },
    # The job rows are the record of queued work: what a broker outage or a killed
    # worker lost is sent again (idverify.enqueue).
    "attestations-documents-read-stalled": {
        "task": "attestations.documents_read_stalled",
        "schedule": 60.0,
    },
    "screening-rescreens-resume-stalled": {
        "task": "screening.rescreens_resume_stalled",
        "schedule": 120.0,
    },
    "accounts-enrolments-prune": {"task": "accounts.enrolments_prune", "schedule": 3600.0},
    "accounts-organizations-expire-pending": {
        "task": "accounts.organizations_expire_pending",
        "schedule": 3600.0,
    },
    # Does nothing unless IDV_SCREENING_CSL_URL is set.
    "screening-csl-fetch": {
        "task": "screening.csl_fetch",
        "schedule": float(IDV_SCREENING_FETCH_SECONDS),
    },
}
