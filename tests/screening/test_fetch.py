"""The periodic CSL fetch, against a real HTTP server on this machine."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from screening.models import ListSnapshot
from screening.tasks import csl_fetch_and_import
from tests.screening.conftest import CSL
from tests.support.serving import serve_in_thread

pytestmark = pytest.mark.django_db
GOOD = CSL.read_bytes()


class ListServer(BaseHTTPRequestHandler):
    # What the next request gets: (status, body, declared length or None for the true one).
    answer: tuple[int, bytes, int | None] = (200, GOOD, None)

    def do_GET(self) -> None:
        status, body, declared = type(self).answer
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if declared is None else declared))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server(settings: Settings) -> Iterator[type[ListServer]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), ListServer)
    serve_in_thread(httpd)
    settings.IDV_SCREENING_CSL_URL = f"http://127.0.0.1:{httpd.server_address[1]}/csl.csv"
    ListServer.answer = (200, GOOD, None)
    yield ListServer
    httpd.shutdown()
    httpd.server_close()


def test_without_a_url_the_fetch_does_nothing(settings: Settings) -> None:
    settings.IDV_SCREENING_CSL_URL = ""
    assert csl_fetch_and_import() == "off"
    assert not ListSnapshot.objects.exists()


def test_the_csl_is_fetched_and_imported_once(server: type[ListServer]) -> None:
    assert csl_fetch_and_import() == "imported"
    assert csl_fetch_and_import() == "unchanged"
    snapshot = ListSnapshot.objects.get(state="current")
    assert snapshot.origin.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ((200, GOOD[: len(GOOD) // 2], len(GOOD)), "refused"),  # the connection drops early
        ((200, GOOD[: len(GOOD) // 2], None), "refused"),  # cut inside a quoted record
        ((503, b"busy", None), "The server answered 503"),
        ((200, b"", None), "the file is empty"),
    ],
)
def test_a_failed_or_truncated_download_never_replaces_the_good_list(
    server: type[ListServer], answer: tuple[int, bytes, int | None], said: str
) -> None:
    assert csl_fetch_and_import() == "imported"
    good = ListSnapshot.objects.get(state="current")
    server.answer = answer
    outcome = csl_fetch_and_import()
    assert outcome.startswith("refused")
    assert said in outcome
    assert ListSnapshot.objects.get(state="current").pk == good.pk
