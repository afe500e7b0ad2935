"""A web node spreads its clients' kept-alive connections over its workers.

A client that keeps its connection open (a reverse proxy's pool, a model API's
verifier polling the revocation document) stays with the worker that accepted
it. With one listening socket shared by the workers, a burst of connections
went to whichever worker woke first, often all of them, leaving the others idle;
``reuse_port`` in idverify/gunicorn_config.py gives each worker a socket of its
own, and the kernel spreads new connections over them.
"""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest

from tests.support.nodes import node_env, web_nodes, worker_connections

pytestmark = [pytest.mark.slow]

CLIENTS = 32


def test_a_burst_of_kept_alive_connections_is_spread_over_the_workers(tmp_path: Path) -> None:
    with web_nodes(tmp_path, node_env(WEB_CONCURRENCY="2"), "a") as (node,):
        clients = [
            http.client.HTTPConnection("127.0.0.1", node.port, timeout=10) for _ in range(CLIENTS)
        ]
        try:
            for client in clients:  # all connected before any is answered: one burst
                client.connect()
            for client in clients:
                client.request("GET", "/healthz")
            statuses = [client.getresponse().status for client in clients]
            held = worker_connections(node)
        finally:
            for client in clients:
                client.close()

    assert statuses == [200] * CLIENTS
    # Two workers and every connection held by one of them; by chance alone (the
    # kernel hashes each connection's addresses), fewer than 4 of 32 on one worker
    # happens about once in a million runs.
    assert len(held) == 2, held
    assert sum(held) == CLIENTS, held
    assert min(held) >= 4, f"connections per worker: {held}"
