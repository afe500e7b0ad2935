"""PostgreSQL stopped and started under token load: how long 503s last, how fast a node recovers.

    .venv/bin/python bench/faults.py [--clients 8] [--down 5] [--rounds 1]

Starts a PostgreSQL server of its own (initdb/pg_ctl in a temporary directory, as
the postgres user when run as root), one web node (gunicorn, production settings,
2 workers x 4 threads) on it, and ``--clients`` threads asking for tokens back to
back. After a few seconds it stops PostgreSQL (``pg_ctl stop -m fast``), waits
``--down`` seconds, starts it again, and keeps the load on for 10 s more.

Prints every status seen (target: 201 and 503 only, never 500), how long the 503s
lasted against how long the database was away, and how long after the database
answered again the last request that was not a token finished (target: < 5 s).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.load import TokenLoad, outage_report  # noqa: E402
from tests.support.nodes import (  # noqa: E402
    PostgresServer,
    Secrets,
    WebNode,
    free_port,
    node_env,
    prepare,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--down", type=float, default=5.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--rounds", type=int, default=1, help="restarts, one after another")
    args = parser.parse_args()

    database = PostgresServer()
    database.start()
    try:
        with tempfile.TemporaryDirectory(prefix="idverify-faults-") as tmp:
            port = free_port()
            env = node_env(
                database_url=database.create_database("idverify_faults"),
                cache_url=f"file://{tmp}/cache",
                base_url=f"http://127.0.0.1:{port}",
                var_dir=Path(tmp),
                shared=Secrets.new(),
            )
            fixtures = prepare(env)
            web = WebNode(env, port=port)
            try:
                for round_number in range(1, args.rounds + 1):
                    load = TokenLoad(
                        web.url, key=fixtures.person_key, tier=fixtures.tier, clients=args.clients
                    ).start()
                    time.sleep(3.0)
                    stopping = time.monotonic()
                    database.stop("fast")
                    time.sleep(args.down)
                    database.start()
                    back_at = time.monotonic()
                    time.sleep(10.0)
                    report = outage_report(load.stop(), back_at=back_at)
                    print(f"round {round_number}: PostgreSQL away {back_at - stopping:.2f} s")
                    for line in report.lines():
                        print(f"  {line}")
            finally:
                web.stop()
    finally:
        database.destroy()


if __name__ == "__main__":
    main()
