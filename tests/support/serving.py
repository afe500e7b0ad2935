"""Test HTTP servers run in a thread of the test process."""

from __future__ import annotations

import socketserver
import threading

# ``shutdown()`` waits for the serving loop's next poll: at socketserver's default of
# 0.5 s, closing the fake Stripe server alone cost 16 s over its tests.
POLL_INTERVAL_SECONDS = 0.02


def serve_in_thread(server: socketserver.BaseServer) -> threading.Thread:
    """Serve ``server`` on a daemon thread until ``server.shutdown()``, which then returns
    within a poll interval."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL_SECONDS}, daemon=True
    )
    thread.start()
    return thread
