"""Bulk CSV enrolment of an organisation's staff.

- ``csvfile``: the file's shape, encrypted storage, streamed reading
- ``rows``: one row's checks
- ``apply``: a chunk's effect on the roster (the idempotent upsert)
- ``runner``: the checkpointed job a Celery task runs
- ``results``: per-row results as CSV, errors as a list
- ``bulk``: the set-based inserts and updates a chunk is written with

Starting, resuming and pruning jobs are services (``accounts.services.enrolments``).
"""
