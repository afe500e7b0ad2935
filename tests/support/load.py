"""Token requests from threads, each answer recorded with its timing (tests and benches)."""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from tests.support.nodes import US_ADDRESS


@dataclass(frozen=True)
class Answer:
    started: float  # time.monotonic()
    finished: float
    status: int  # 0: no HTTP answer at all (the connection failed or timed out)
    retry_after: str | None
    content_type: str
    body: bytes

    @property
    def seconds(self) -> float:
        return self.finished - self.started


class TokenLoad:
    """``clients`` threads, each on one keep-alive connection, asking for tokens back to back."""

    def __init__(self, base_url: str, *, key: str, tier: str, clients: int = 8) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.body = json.dumps({"model": tier}).encode()
        self.headers = {
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "X-Forwarded-For": US_ADDRESS,
        }
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def start(self) -> TokenLoad:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> list[Answer]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
        return sorted(self.answers, key=lambda answer: answer.started)

    def _client(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=15)
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                connection.request("POST", "/api/v1/tokens", body=self.body, headers=self.headers)
                response = connection.getresponse()
                body = response.read()
                answer = Answer(
                    started,
                    time.monotonic(),
                    response.status,
                    response.getheader("Retry-After"),
                    response.getheader("Content-Type") or "",
                    body,
                )
            except (OSError, http.client.HTTPException) as error:
                answer = Answer(started, time.monotonic(), 0, None, "", repr(error).encode())
                connection.close()
                connection = http.client.HTTPConnection(self.host, self.port, timeout=15)
            with self._lock:
                self.answers.append(answer)
        connection.close()


@dataclass(frozen=True)
class OutageReport:
    answers: int
    created: int
    unavailable: int
    other: dict[int, int]
    unavailable_seconds: float  # from the first 503 to the last
    recovered_after: float  # seconds from the database's return to the last answer not 201
    slowest: float

    def lines(self) -> list[str]:
        return [
            (
                f"answers: {self.answers} ({self.created} x 201, {self.unavailable} x 503, "
                f"other: {self.other or 'none'})"
            ),
            f"503s for {self.unavailable_seconds:.2f} s (first to last)",
            f"recovered {self.recovered_after:.2f} s after PostgreSQL was back",
            f"slowest answer {self.slowest:.2f} s",
        ]


def outage_report(answers: list[Answer], *, back_at: float) -> OutageReport:
    unavailable = [answer for answer in answers if answer.status == 503]
    not_created = [answer for answer in answers if answer.status != 201]
    other: dict[int, int] = {}
    for answer in answers:
        if answer.status not in (201, 503):
            other[answer.status] = other.get(answer.status, 0) + 1
    return OutageReport(
        answers=len(answers),
        created=sum(answer.status == 201 for answer in answers),
        unavailable=len(unavailable),
        other=other,
        unavailable_seconds=(
            unavailable[-1].finished - unavailable[0].started if unavailable else 0.0
        ),
        recovered_after=max([0.0, *(answer.finished - back_at for answer in not_created)]),
        slowest=max((answer.seconds for answer in answers), default=0.0),
    )
