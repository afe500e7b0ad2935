"""Bulk CSV enrolment, end to end, against PostgreSQL: dry run, then import.

    .venv/bin/python bench/bulk_enrol.py [--rows 100000]

Uses a throwaway database (``idverify_bench_<checkout>`` on the local server,
or the database named by BENCH_DATABASE_URL), dropped afterwards. Tasks go to
Kombu's in-memory broker and this process does what a worker would: it runs
the enrolment job (parsing, checking, the roster upsert, the invitations,
encrypted storage of the file and the results), then, timed on its own line,
sends the invitation emails those jobs queued (Django's in-memory backend).

Prints, side by side: each phase's time and rows/s, peak RSS, and the time of
a plain ``bulk_create`` of the same rows (the floor for getting 100,000 rows
into the table at all). Targets: total under 60 s, RSS under 300 MB, import at
most 3x the bare bulk_create.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_TOTAL_S = 60.0
TARGET_RSS_MB = 300.0
TARGET_RATIO = 3.0


ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# One name per checkout, so two checkouts benchmarking on one server never collide.
BENCH_DB = (
    "idverify_bench_" + hashlib.sha1(str(ROOT).encode(), usedforsecurity=False).hexdigest()[:10]
)


def _database_url() -> str:
    import psycopg

    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"


def _drop_database() -> None:
    if os.environ.get("BENCH_DATABASE_URL"):
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


def _configure() -> None:
    os.environ["DATABASE_URL"] = _database_url()
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("IDV_KEY_ENCRYPTION_KEY", "YmVuY2gtb25seS1rZXktZW5jcnlwdGlvbi1rZXktMzI")
    os.environ.setdefault("IDV_AUDIT_SEAL_KEY", "YmVuY2gtb25seS1hdWRpdC1zZWFsLWtleS0zMmJ5dGU")
    os.environ.setdefault("IDV_BASE_URL", "http://bench.invalid")
    os.environ.setdefault("ALLOWED_HOSTS", "bench.invalid")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    # Tasks are queued, not run inline: the job and the emails are timed apart,
    # as they run apart in production (the emails on other workers, after commit).
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idverify.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write_csv(path: Path, rows: int, domain: str) -> int:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("email,given_name,family_name,employee_id,department,sponsor\r\n")
        for n in range(rows):
            sponsor = "yes" if n % 3 == 0 else "no"
            out.write(f"person{n}@{domain},Given{n},Family{n},E{n:07d},Dept {n % 17},{sponsor}\r\n")
    return path.stat().st_size


def _enrol(path: Path, size: int, label: str) -> dict[str, Any]:
    from django.core import mail

    from accounts.enrolment.runner import enrolment_job_run
    from accounts.models import EnrolmentJob, Invitation, Membership, Organization, User
    from accounts.services.enrolments import enrolment_commit, enrolment_submit
    from accounts.services.invitation_emails import invitations_send_pending

    org = Organization.objects.create(legal_name=f"Bench {label}", status="verified")
    admin = User.objects.create_user(email=f"admin-{label}@bench.invalid")
    Membership.objects.create(user=admin, organization=org, role=Membership.Role.ORG_ADMIN)
    mail.outbox = []

    started = time.perf_counter()
    with path.open("rb") as stream:
        dry_run = enrolment_submit(
            actor=admin,
            organization=org,
            file=stream,
            filename=path.name,
            size=size,
            mode="dry_run",
        )
    enrolment_job_run(job_id=dry_run.pk)
    dry_run.refresh_from_db()
    checked = time.perf_counter()
    job = enrolment_commit(actor=admin, organization=org, dry_run=dry_run, valid_only=False)
    enrolment_job_run(job_id=job.pk)
    job = EnrolmentJob.objects.get(pk=job.pk)
    done = time.perf_counter()
    rss_mb = _rss_mb()  # the enrolment's peak, before the bench's own email sink fills
    while invitations_send_pending(older_than=timedelta(0)):
        mail.outbox = []  # the in-memory backend keeps every message; a real one does not
    emailed = time.perf_counter()
    assert dry_run.status == job.status == "succeeded", (dry_run.error_message, job.error_message)
    return {
        "dry_run_s": checked - started,
        "import_s": done - checked,
        "email_s": emailed - done,
        "new": job.count_new,
        "invalid": job.count_invalid,
        "emails": Invitation.objects.filter(organization=org, emailed_generation=1).count(),
        "rss_mb": rss_mb,
    }


def _bare_bulk_create(path: Path) -> float:
    """The same rows, already parsed, made into model objects and bulk_created (timed)."""
    import csv

    from accounts.models import Organization, RosterEntry

    org = Organization.objects.create(legal_name="Bench baseline", status="verified")
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        next(reader)
        rows = list(reader)
    started = time.perf_counter()
    entries = [
        RosterEntry(
            organization=org,
            email=email,
            given_name=given,
            family_name=family,
            employee_id=employee,
            department=department,
            sponsor=sponsor == "yes",
        )
        for email, given, family, employee, department, sponsor in rows
    ]
    RosterEntry.objects.bulk_create(entries, batch_size=2000)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    _configure()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            small_path, big_path = Path(tmp, "small.csv"), Path(tmp, "big.csv")
            small_rows = max(args.rows // 10, 1)
            small = _enrol(small_path, _write_csv(small_path, small_rows, "small.example"), "small")
            size = _write_csv(big_path, args.rows, "staff.example")
            big = _enrol(big_path, size, "big")
            bare = _bare_bulk_create(big_path)
    finally:
        _drop_database()

    total = big["dry_run_s"] + big["import_s"]
    ratio = big["import_s"] / bare
    rows = args.rows
    print(f"bulk enrolment of {rows:,} rows ({size / 1_048_576:.1f} MB CSV), PostgreSQL")
    table = [
        ("phase", None),
        ("dry run (check every row)", big["dry_run_s"]),
        ("import (upsert, invite, email)", big["import_s"]),
        ("total (dry run + import)", total),
        ("baseline: bare bulk_create", bare),
        ("invitation emails (queued tasks)", big["email_s"]),
    ]
    for name, seconds in table:
        if seconds is None:
            print(f"  {name:<34}{'seconds':>9}{'rows/s':>11}")
        else:
            print(f"  {name:<34}{seconds:>9.2f}{rows / seconds:>11,.0f}")
    print(
        f"  import / bare bulk_create: {ratio:.2f}x; total / bare bulk_create: {total / bare:.2f}x"
    )
    print(
        f"  imported {big['new']:,} new, {big['invalid']} invalid; "
        f"{big['emails']:,} invitation emails"
    )
    print(
        f"  peak RSS: {small['rss_mb']:.0f} MB after {small_rows:,} rows, "
        f"{big['rss_mb']:.0f} MB after {rows:,} rows"
    )
    checks = [
        (f"total < {TARGET_TOTAL_S:.0f} s", total < TARGET_TOTAL_S),
        (f"peak RSS < {TARGET_RSS_MB:.0f} MB", big["rss_mb"] < TARGET_RSS_MB),
        (f"import <= {TARGET_RATIO:.0f}x bare bulk_create", ratio <= TARGET_RATIO),
    ]
    for name, ok in checks:
        print(f"  target {name}: {'met' if ok else 'MISSED'}")
    sys.exit(0 if all(ok for _, ok in checks) else 1)


if __name__ == "__main__":
    main()
