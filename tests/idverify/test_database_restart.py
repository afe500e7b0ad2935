"""PostgreSQL restarted while tokens are issued: 503s with Retry-After, never a 500 or a
hang, and the node recovers by itself within seconds of the database's return.

A real server of its own (initdb, pg_ctl) on another port, a web node (gunicorn, the
production settings) pointed at it, and eight clients asking for tokens back to back
while the database is stopped for a few seconds and started again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.load import TokenLoad, outage_report
from tests.support.nodes import (
    Fixtures,
    PostgresServer,
    Secrets,
    WebNode,
    free_port,
    node_env,
    prepare,
    request,
)

pytestmark = pytest.mark.slow

DOWN_SECONDS = 4.0
RECOVERY_SECONDS = 5.0  # the target: every answer a token again within this
BOUNDED_SECONDS = 10.0  # no request waits longer than this, database or not


@pytest.fixture
def database() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.destroy()


@pytest.fixture
def node(database: PostgresServer, tmp_path: Path) -> Iterator[tuple[WebNode, Fixtures]]:
    port = free_port()
    env = node_env(
        database_url=database.create_database("idverify_restart"),
        cache_url=f"file://{tmp_path}/cache",
        base_url=f"http://127.0.0.1:{port}",
        var_dir=tmp_path,
        shared=Secrets.new(),
    )
    fixtures = prepare(env)
    web = WebNode(env, port=port, workers=2, threads=4)
    yield web, fixtures
    web.stop()


def test_a_database_restart_under_load_gives_503s_then_recovers_by_itself(
    database: PostgresServer, node: tuple[WebNode, Fixtures], capsys: pytest.CaptureFixture[str]
) -> None:
    web, fixtures = node
    load = TokenLoad(web.url, key=fixtures.person_key, tier=fixtures.tier, clients=8).start()
    time.sleep(2.0)
    database.stop("fast")
    stopped_at = time.monotonic()
    time.sleep(1.0)
    # A person's page while the database is away: a page, not a JSON error, and not a 500.
    page_status, page_headers, page = request(
        "GET", f"{web.url}/account/", headers={"Cookie": f"sessionid={fixtures.session}"}
    )
    time.sleep(DOWN_SECONDS - 1.0)
    database.start()
    back_at = time.monotonic()
    time.sleep(RECOVERY_SECONDS + 3.0)
    answers = load.stop()

    report = outage_report(answers, back_at=back_at)
    with capsys.disabled():
        print("\n" + "\n".join(f"database restart: {line}" for line in report.lines()))  # noqa: T201

    assert report.other == {}, [a.body[:200] for a in answers if a.status not in (201, 503)]
    assert report.unavailable > 0, "the database was stopped: some requests must have met it"
    assert report.slowest < BOUNDED_SECONDS
    for answer in answers:
        if answer.status == 503:
            assert answer.retry_after is not None
            assert answer.retry_after.isdigit()
            assert answer.content_type.startswith("application/json")
            error = json.loads(answer.body)["error"]
            assert error["code"] == "unavailable"
            assert error["message"]
    assert all(a.status == 201 for a in answers if a.started >= back_at + RECOVERY_SECONDS)
    assert sum(a.status == 201 for a in answers if a.started >= back_at) > 10
    assert any(a.status == 201 and a.finished <= stopped_at for a in answers)
    assert report.recovered_after < RECOVERY_SECONDS

    assert page_status == 503, web.log()
    assert page_headers["Content-Type"].startswith("text/html")
    assert page_headers["Retry-After"].isdigit()
    assert b"Temporarily unavailable" in page
    assert b'href="/static/' in page  # the site's styles, not a bare error
    assert "Traceback" not in web.log(), web.log()
