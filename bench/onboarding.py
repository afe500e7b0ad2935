"""Server time of each onboarding page under 16 concurrent users, against a static file.

Starts the service with gunicorn on 127.0.0.1 (quick-start settings, a fresh
SQLite database in a temporary directory, 2 workers x 4 threads as `make run`),
signs in 16 people (each with an attestation, a document and a draft in their
session), then has 16 client threads fetch every onboarding page in turn, and
a static file (served by WhiteNoise from the same server) as the baseline.
Prints, per page, the median and 95th-percentile time and its ratio to the
static file's median. Bounded: ROUNDS requests per user per page.

    .venv/bin/python bench/onboarding.py [--rounds 20] [--users 16]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(env: dict[str, str], users: int) -> dict[str, object]:
    """Migrate and create the people in a child process, printing their cookies."""
    script = f"""
import datetime as dt, json
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import Membership, Organization
from tests.support.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.attestations.factories import AttestationFactory, DocumentFactory
from attestations.models import Document
operator = OrganizationFactory.create(kind=Organization.Kind.OPERATOR)
people = []
for n in range({users}):
    user = UserFactory.create(email=f"bench{{n}}@example.com")
    if n == 0:
        MembershipFactory.create(user=user, organization=operator,
                                 role=Membership.Role.COMPLIANCE_OFFICER)
    AttestationFactory.create(user=user)
    doc = DocumentFactory.create(
        user=user, status=Document.Status.NEEDS_REVIEW, review_reasons=["no_mrz"]
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["attestation_draft"] = {{
        "identity": {{"given_names": "Anna Maria", "family_name": "Eriksson",
                      "date_of_birth": "1974-08-12", "country_of_birth": "US",
                      "citizenships": ["US"]}},
        "status": {{"status": "us_citizen"}},
    }}
    session.create()
    people.append({{"cookie": session.session_key, "document": str(doc.public_id)}})
print(json.dumps(people))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if out.returncode != 0:
        sys.exit(f"setup failed:\n{out.stderr[-3000:]}")
    import json

    return {"people": json.loads(out.stdout.strip().splitlines()[-1])}


def _get(port: int, path: str, cookie: str) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    headers = {"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return response.status, elapsed


PAGES = {
    "static file (baseline)": "/static/idverify/site.css",
    "sign in": "/accounts/login/",
    "sign up": "/accounts/signup/",
    "status": "/status/",
    "attest: about you": "/attest/identity/",
    "attest: status": "/attest/status/",
    "attest: declaration": "/attest/declaration/",
    "document upload": "/documents/",
    "document detail": "/documents/{document}/",
    "review queue (officer)": "/review/",
}


def _start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [
            gunicorn,
            "idverify.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(port, "/healthz", "")
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                sys.exit("the server did not start")
            time.sleep(0.3)


def _measure(
    port: int, people: list[dict[str, str]], rounds: int
) -> tuple[dict[str, list[float]], list[str], float]:
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    failures: list[str] = []
    lock = threading.Lock()

    def user_loop(person: dict[str, str], index: int) -> None:
        for _ in range(rounds):
            for name, template in PAGES.items():
                if name.startswith("review") and index != 0:
                    continue  # one officer among the users
                cookie = "" if name in ("sign in", "sign up") else person["cookie"]
                status, elapsed = _get(port, template.format(document=person["document"]), cookie)
                with lock:
                    if status != 200:
                        failures.append(f"{name}: {status}")
                    times[name].append(elapsed)

    for template in PAGES.values():  # warm up: templates compiled, connections open
        _get(port, template.format(document=people[0]["document"]), people[0]["cookie"])
    started = time.perf_counter()
    threads = [threading.Thread(target=user_loop, args=(p, i)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return times, failures, time.perf_counter() - started


def _report(times: dict[str, list[float]], users: int, rounds: int, wall: float) -> None:
    base = statistics.median(times["static file (baseline)"])
    print(
        f"{users} concurrent users x {rounds} rounds; gunicorn 2 workers x 4 threads; "
        f"quick-start SQLite; {wall:.1f} s"
    )
    print(f"{'page':<26}{'requests':>9}{'median ms':>11}{'p95 ms':>9}{'x static':>10}")
    for name, samples in times.items():
        samples.sort()
        median = statistics.median(samples)
        p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
        print(
            f"{name:<26}{len(samples):>9}{median * 1000:>11.1f}{p95 * 1000:>9.1f}"
            f"{median / base:>10.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--users", type=int, default=16)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="idv-bench-"))
    env = {
        **os.environ,
        "IDV_QUICKSTART": "1",
        "IDV_VAR_DIR": str(workdir),
        "DJANGO_SETTINGS_MODULE": "idverify.settings",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        "STATIC_ROOT": str(workdir / "static"),
    }
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG"):
        env.pop(name, None)
    people: list[dict[str, str]] = _prepare(env, args.users)["people"]  # type: ignore[assignment]
    server = _start_server(env, port := _free_port())
    try:
        times, failures, wall = _measure(port, people, args.rounds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    _report(times, len(people), args.rounds, wall)
    if failures:
        print(f"{len(failures)} non-200 responses, e.g. {failures[:3]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
