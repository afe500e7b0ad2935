"""The token path's database cost, in process: CPU per issued token, client and server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432 .venv/bin/python bench/token_path_db.py \
        [--tokens 2000] [--rounds 3] [--write-path sql|orm]

Creates (dropping it first) the database ``idverify_token_path_bench`` on
DATABASE_URL's server, migrates it, makes one verified person and a tier, and
calls ``token_issue`` back to back on one connection. For each round it reports
the wall time, this process's CPU time and the PostgreSQL backend's CPU time
(read from /proc, so run it on the database's machine) per token, and the
statements each token sent, counted with ``connection.execute_wrapper``. Without
HTTP, gunicorn or the other clients in the way, it isolates what the token path's
database code costs, so two ways of writing it can be compared on a busy machine.
``--write-path orm`` writes through the ORM reference path instead of the single
statement. Prints one JSON object per round and the best round last.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DB = "idverify_token_path_bench"
_TICKS = os.sysconf("SC_CLK_TCK")


def _setup(base_url: str, var_dir: Path) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ.update(
        {
            "DATABASE_URL": f"{base_url}/{BENCH_DB}",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "IDV_KEY_ENCRYPTION_KEY": secrets.token_urlsafe(32)[:43],
            "IDV_AUDIT_SEAL_KEY": secrets.token_urlsafe(32)[:43],
            "IDV_BASE_URL": "http://127.0.0.1:8000",
            "IDV_VAR_DIR": str(var_dir),
            "IDV_GEOIP_CITY_DB": str(var_dir / "geoip" / "demo-city.mmdb"),
            "IDV_GEOIP_ANONYMOUS_DB": str(var_dir / "geoip" / "demo-anonymous-ip.mmdb"),
            "LOG_LEVEL": "WARNING",
            "DB_CONN_MAX_AGE": "600",
            "DJANGO_SETTINGS_MODULE": "idverify.settings",
        }
    )
    os.environ.pop("IDV_QUICKSTART", None)
    import django

    django.setup()


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _fixtures(var_dir: Path) -> tuple[Any, Any, Any]:
    """Schema, GeoIP demo data, a signing key, a tier and one verified person."""
    from django.core.management import call_command

    from attestations.models import Document, DocumentType, UsPersonStatus
    from entitlements.services.keys import signing_keys_rotate
    from entitlements.services.tiers import tier_create
    from geo.demo_db import write_demo_databases
    from geo.location_signals import GeoSignals
    from tests.attestations.factories import AttestationFactory, DocumentFactory
    from tests.support.factories import UserFactory

    call_command("migrate", verbosity=0)
    write_demo_databases(var_dir / "geoip")
    signing_keys_rotate()
    tier = tier_create(actor=None, slug="fable-5", name="Fable 5", reason="Bench.", min_level=2)
    user = UserFactory.create(email="bench@example.com")
    AttestationFactory.create(user=user, status=UsPersonStatus.US_CITIZEN)
    DocumentFactory.create(
        user=user, document_type=DocumentType.US_PASSPORT, status=Document.Status.PASSED
    )
    signals = GeoSignals(
        ip=ipaddress.ip_address("192.0.2.1"),
        status="found",
        country="US",
        subdivisions=("US-CA",),
        anonymous_status="unknown",
    )
    return user, tier, signals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write-path", choices=["sql", "orm"], default="sql")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    base_url = base_url.rsplit("/", 1)[0] if base_url.count("/") > 2 else base_url
    var_dir = Path(tempfile.mkdtemp(prefix="idv-token-path-"))
    _setup(base_url, var_dir)

    from django.db import connection

    from entitlements.services.tokens import token_issue

    user, tier, signals = _fixtures(var_dir)
    if args.write_path == "orm":
        from entitlements.token_store import writes

        def orm_only(using: str = "default") -> bool:
            return False

        writes.use_single_statement = orm_only

    statements = 0

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, ctx)

    for _ in range(50):  # warm up: connection, caches, prepared plans
        assert token_issue(user=user, tier=tier, signals=signals).token
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    results = []
    for round_ in range(args.rounds):
        statements = 0
        wall, cpu, server = time.perf_counter(), time.process_time(), _backend_cpu(backend)
        with connection.execute_wrapper(count):
            for _ in range(args.tokens):
                token_issue(user=user, tier=tier, signals=signals)
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
        server = _backend_cpu(backend) - server
        result = {
            "round": round_ + 1,
            "tokens": args.tokens,
            "wall_ms_per_token": round(1000 * wall / args.tokens, 3),
            "client_cpu_ms_per_token": round(1000 * cpu / args.tokens, 3),
            "server_cpu_ms_per_token": round(1000 * server / args.tokens, 3),
            "statements_per_token": round(statements / args.tokens, 2),
        }
        results.append(result)
        print(json.dumps(result), flush=True)
    best = min(results, key=lambda r: r["client_cpu_ms_per_token"] + r["server_cpu_ms_per_token"])
    print(json.dumps({"best": best, "write_path": args.write_path}))


if __name__ == "__main__":
    main()
