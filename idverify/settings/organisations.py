"""Organisations: registration, domain proof, invitations and bulk enrolment (accounts app)."""

from __future__ import annotations

from idverify.env import env_int, env_list, env_str
from idverify.settings.onboarding import IDV_DOCUMENT_MAX_BYTES

# --- Organisations: registration, invitations, bulk enrolment (accounts) -------------
# Nameservers for the domain-ownership TXT check ("host" or "host:port");
# empty uses the system resolver.
IDV_DNS_NAMESERVERS = env_list("IDV_DNS_NAMESERVERS", [])
IDV_DNS_TIMEOUT_SECONDS = env_int("IDV_DNS_TIMEOUT_SECONDS", 5, minimum=1)
IDV_DOMAIN_CHALLENGE_DAYS = env_int("IDV_DOMAIN_CHALLENGE_DAYS", 7, minimum=1)
IDV_INVITATION_DAYS = env_int("IDV_INVITATION_DAYS", 7, minimum=1)
IDV_PENDING_ORG_INVITATIONS = env_int("IDV_PENDING_ORG_INVITATIONS", 10, minimum=0)
# A registration no compliance officer has verified in this many days expires and
# releases its EIN (so a made-up registration cannot hold a company's EIN forever).
IDV_PENDING_ORG_DAYS = env_int("IDV_PENDING_ORG_DAYS", 30, minimum=1)
# Where a person lands after joining an organisation: the attestation flow when
# it is installed (the URL name is looked up at run time, home page otherwise).
IDV_AFTER_JOIN_URL_NAME = "attestation-start"
# Bulk enrolment limits, stated on the upload page and in the API.
IDV_ENROLMENT_MAX_BYTES = 10 * 1024 * 1024
IDV_ENROLMENT_MAX_ROWS = 100_000
# Any body over this is refused (413) unread: the CSRF check would spool it to disk.
_LARGEST_UPLOAD = max(IDV_DOCUMENT_MAX_BYTES, IDV_ENROLMENT_MAX_BYTES)
IDV_MAX_REQUEST_BYTES = env_int(
    "IDV_MAX_REQUEST_BYTES", 4 * _LARGEST_UPLOAD, minimum=_LARGEST_UPLOAD
)
# Rows per checkpoint: one transaction writes a chunk's rows, results and progress.
IDV_ENROLMENT_CHUNK_ROWS = env_int("IDV_ENROLMENT_CHUNK_ROWS", 2000, minimum=1)
# Uploaded files and per-row results (personal data) are deleted after this.
IDV_ENROLMENT_RETENTION_DAYS = env_int("IDV_ENROLMENT_RETENTION_DAYS", 30, minimum=1)
# A running job whose worker has been silent this long is handed to another worker.
IDV_ENROLMENT_STALL_SECONDS = env_int("IDV_ENROLMENT_STALL_SECONDS", 300, minimum=30)
# Celery queue for organisation background work (enrolment jobs and invitation
# emails); empty means Celery's default queue.
IDV_ACCOUNTS_TASK_QUEUE = env_str("IDV_ACCOUNTS_TASK_QUEUE", "") or ""

# --- SCIM provisioning (scim) ----------------------------------------------------------
# The largest SCIM request body accepted (413 with a SCIM error above it). A group
# PATCH from an IdP carries a batch of members; 1 MiB holds thousands.
IDV_SCIM_MAX_BODY_BYTES = env_int("IDV_SCIM_MAX_BODY_BYTES", 1024 * 1024, minimum=16 * 1024)
