# ruff: noqa: S603 - commands built here from installed PostgreSQL binaries
"""The read replica against a real PostgreSQL streaming replica started here.

A private primary (initdb, wal_level=replica) and a standby made from it with
``pg_basebackup -R``, each on a free port of its own, as user postgres; the shared
server is not touched. A separate process runs the service against the pair
(tests/support/replica_probe.py) and reports where each step's queries went.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINDIR = Path("/usr/lib/postgresql/15/bin")


def _bin(name: str) -> str:
    found = shutil.which(name) or str(BINDIR / name)
    if not Path(found).exists():
        pytest.skip(f"{name} is not installed")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _run(*command: str) -> None:
    subprocess.run(_as_postgres(*command), check=True, capture_output=True, timeout=120)


def _pg_ctl(data: Path, action: str, port: int | None = None) -> list[str]:
    command = [_bin("pg_ctl"), "-D", str(data), "-w", "-m", "fast", action]
    if port is not None:
        options = f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1"
        command += ["-o", options, "-l", str(data.parent / f"{data.name}.log")]
    return _as_postgres(*command)


@pytest.fixture(scope="module")
def primary_and_replica() -> Iterator[dict[str, Any]]:
    base = Path(tempfile.mkdtemp(prefix="idv-replica-"))
    shutil.chown(base, "postgres") if os.geteuid() == 0 else None
    primary, replica = base / "primary", base / "replica"
    ports = {"primary": _free_port(), "replica": _free_port()}
    started: list[Path] = []
    try:
        _run(_bin("initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust")
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nfsync = off\n")
        subprocess.run(_pg_ctl(primary, "start", ports["primary"]), check=True, timeout=60)
        started.append(primary)
        _run(
            _bin("psql"), "-h", "127.0.0.1", "-p", str(ports["primary"]), "-U", "postgres",
            "-c", "CREATE DATABASE idverify",
        )  # fmt: skip
        _run(
            _bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports["primary"]),
            "-U", "postgres", "-D", str(replica), "-R", "-X", "stream",
            # An immediate checkpoint: by default the primary spreads it over minutes.
            "--checkpoint=fast",
        )  # fmt: skip
        subprocess.run(_pg_ctl(replica, "start", ports["replica"]), check=True, timeout=60)
        started.append(replica)
        yield {"ports": ports, "stop_replica": _pg_ctl(replica, "stop")}
    finally:
        for data in reversed(started):
            subprocess.run(_pg_ctl(data, "stop"), capture_output=True, check=False, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def test_reads_writes_and_a_lost_replica_against_a_real_streaming_replica(
    primary_and_replica: dict[str, Any], tmp_path: Path
) -> None:
    ports = primary_and_replica["ports"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{ports['primary']}/idverify",
        "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{ports['replica']}/idverify",
        "IDV_VAR_DIR": str(tmp_path),
        "CACHE_URL": f"file://{tmp_path}/cache",
        "DB_CONN_MAX_AGE": "60",
    }
    probe = subprocess.run(
        [sys.executable, "-m", "tests.support.replica_probe", *primary_and_replica["stop_replica"]],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr[-3000:]
    result = json.loads(probe.stdout.strip().splitlines()[-1])

    assert result["replica_in_recovery"] is True  # a real standby
    # The JWKS is a read path: its keys come from the replica.
    assert result["jwks"]["status"] == 200
    assert result["jwks"].get("replica", 0) >= 1
    assert result["jwks"].get("default", 0) == 0
    assert result["jwks_keys"] >= 1
    # Other paths read the primary.
    assert result["healthz"].get("replica", 0) == 0
    # Authorising state never comes from the replica, even on a read path.
    assert result["auth_read"] == {"default": 1}
    assert result["plain_read"] == {"replica": 1}
    # After a write the request reads the primary, and sees its write.
    assert set(result["after_write"]) == {"default"}
    assert result["read_your_write"] == [0, 1]
    # A browser that wrote is pinned to the primary; an API client gets no cookie.
    assert result["pin_cookie_set"] is True
    assert result["pinned_jwks"].get("replica", 0) == 0
    assert result["pinned_jwks"].get("default", 0) >= 1
    assert result["api_client_pin_cookie"] is False
    # The replica stopped: the JWKS is still served, from the primary, and it is logged.
    assert result["replica_down"]["status"] == 200
    assert result["replica_down"].get("default", 0) >= 1
    assert result["replica_down_keys"] == result["jwks_keys"]
    assert any("replica unreachable" in message for message in result["warnings"])
