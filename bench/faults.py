"""PostgreSQL restarted while tokens are being issued: what callers see, and for how long.

    .venv/bin/python bench/faults.py [--clients 8] [--before 4] [--after 8] [--json]

Starts a private PostgreSQL cluster (initdb/pg_ctl on a free port, as user
postgres when run as root; never the shared server), migrates it, creates one
verified person per client, and serves the project with the Procfile's web
command. ``--clients`` threads issue tokens back to back (``POST
/api/v1/tokens``, one keep-alive connection each); after ``--before`` seconds
the cluster is restarted (``pg_ctl stop -m fast``, then ``start``), and the
load goes on for ``--after`` seconds more.

Reported: answers by status; the 500s (must be 0); whether every 503 was the
JSON ``service.unavailable`` error with ``Retry-After``; the seconds from the
first 503 to the last ("seconds of 503s"); the time from the database
accepting connections again to the first token issued ("time to recover");
and the slowest answer (bounded by ``DB_CONNECT_TIMEOUT``). With ``--json``
the last line is one JSON object with those figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.nodes import (  # noqa: E402 - after the path is set
    PrivatePostgres,
    manage,
    node_env,
    private_postgres,
    start_web_node,
)

# Creates the tier and one verified person per client; prints their API keys as JSON.
_SEED = """
import json, sys
from accounts.services.api_keys import api_key_create
from entitlements.services.keys import signing_keys_ensure
from tests.entitlements.support import person, tier
signing_keys_ensure()
tier("fable-5", min_level=2)
keys = [api_key_create(user=person(2), name="faults").plaintext for _ in range({clients})]
print(json.dumps(keys))
"""


@dataclass
class Answer:
    started: float
    finished: float
    status: int  # 0: no HTTP answer at all (connection refused or reset)
    unavailable_shape: bool = False


@dataclass
class Load:
    port: int
    keys: list[str]
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, key: str) -> None:
        body = json.dumps({"model": "fable-5"}).encode()
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                conn.request("POST", "/api/v1/tokens", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                answer = Answer(started, time.monotonic(), response.status)
                if response.status == 503:
                    answer.unavailable_shape = _is_unavailable(payload, response)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                answer = Answer(started, time.monotonic(), 0)
            with self.lock:
                self.answers.append(answer)
        conn.close()


def _is_unavailable(payload: bytes, response: http.client.HTTPResponse) -> bool:
    try:
        error = json.loads(payload)["error"]
    except (ValueError, KeyError, TypeError):
        return False
    retry_after = response.getheader("Retry-After") or ""
    return bool(error.get("code") == "service.unavailable" and retry_after.isdigit())


def _restart(cluster: PrivatePostgres) -> tuple[float, float]:
    """Restart the cluster; when it began and when it accepted connections again."""
    began = time.monotonic()
    cluster.restart()  # pg_ctl start -w returns once the server accepts connections
    return began, time.monotonic()


def postgres_restart(*, clients: int, before: float, after: float, log_dir: Path) -> dict[str, Any]:
    with private_postgres() as cluster:
        env = node_env(
            DATABASE_URL=cluster.url,
            CACHE_URL=f"file://{log_dir / 'cache'}",
            IDV_VAR_DIR=str(log_dir / "var"),
            SECRET_KEY=secrets.token_urlsafe(48),
            IDV_KEY_ENCRYPTION_KEY=secrets.token_urlsafe(32)[:43],
            IDV_AUDIT_SEAL_KEY=secrets.token_urlsafe(32)[:43],
            IDV_BASE_URL="http://127.0.0.1",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            IDV_THROTTLE_USER="1000000/min",
            WEB_CONCURRENCY="2",
            LOG_LEVEL="WARNING",
        )
        geo = manage(env, "geoip_demo_db", str(log_dir / "geoip"))
        for line in geo.split():
            name, _, value = line.partition("=")
            env[name] = value
        manage(env, "migrate", "--noinput", "-v0")
        seeded = manage(env, "shell", "-c", _SEED.format(clients=clients))
        keys = json.loads(seeded.strip().splitlines()[-1])
        node = start_web_node(log_dir, "faults", env)
        load = Load(port=node.port, keys=keys)
        threads = [threading.Thread(target=load.client, args=(key,)) for key in keys]
        try:
            for thread in threads:
                thread.start()
            time.sleep(before)
            began, back = _restart(cluster)
            time.sleep(after)
        finally:
            load.stop.set()
            for thread in threads:
                thread.join(timeout=60)
            node.stop()
    return summarise(load.answers, began, back, node.log())


def summarise(answers: list[Answer], began: float, back: float, log: str) -> dict[str, Any]:
    statuses = Counter(a.status for a in answers)
    unavailable = [a for a in answers if a.status == 503]
    recovered = [a.finished for a in answers if a.status == 201 and a.started >= back]
    return {
        "answers": len(answers),
        "by_status": {str(k): v for k, v in sorted(statuses.items())},
        "errors_500": statuses.get(500, 0),
        "no_answer": statuses.get(0, 0),
        "unavailable_503": len(unavailable),
        "unavailable_all_json_with_retry_after": all(a.unavailable_shape for a in unavailable),
        "restart_seconds": round(back - began, 2),
        "seconds_of_503s": round(
            max((a.finished for a in unavailable), default=began)
            - min((a.started for a in unavailable), default=began),
            2,
        ),
        "first_503_after_restart_began": round(
            min((a.started for a in unavailable), default=began) - began, 2
        ),
        "last_503_after_database_back": round(
            max((a.finished for a in unavailable), default=back) - back, 2
        ),
        "slow_answers_over_1s": sorted(
            (round(a.started - began, 2), round(a.finished - a.started, 2), a.status)
            for a in answers
            if a.finished - a.started > 1
        )[:20],
        "seconds_to_recover": round(min(recovered) - back, 2) if recovered else None,
        "slowest_answer_seconds": round(
            max((a.finished - a.started for a in answers), default=0), 2
        ),
        "tracebacks_in_log": log.count("Traceback"),
        "first_traceback": log[log.find("Traceback") :][:3000] if "Traceback" in log else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--before", type=float, default=4.0)
    parser.add_argument("--after", type=float, default=8.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="idv-faults-") as folder:
        report = postgres_restart(
            clients=args.clients, before=args.before, after=args.after, log_dir=Path(folder)
        )
    for name, value in report.items():
        print(f"{name:>40}: {value}")
    if args.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
