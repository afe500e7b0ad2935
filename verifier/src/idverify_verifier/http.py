"""The one seam through which the verifier talks to the network.

``Fetch`` is any callable ``fetch(url, if_none_match) -> HttpResponse``; the default
uses urllib with a timeout and a size cap. Anything a fetch raises counts as a failed
fetch, and the verifier keeps its last-known-good copy.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Final, NamedTuple
from urllib.parse import urlsplit

DEFAULT_TIMEOUT_SECONDS: Final = 5.0
DEFAULT_MAX_BYTES: Final = 16 * 1024 * 1024


class HttpResponse(NamedTuple):
    status: int
    body: bytes
    etag: str | None


Fetch = Callable[[str, str | None], HttpResponse]


class ResponseTooLarge(Exception):
    pass


def check_url(url: str, name: str) -> str:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"{name} must be an http or https URL")
    return url


def urllib_fetch(
    *, timeout: float = DEFAULT_TIMEOUT_SECONDS, max_bytes: int = DEFAULT_MAX_BYTES
) -> Fetch:
    """A ``Fetch`` built on urllib that sends ``If-None-Match`` and gives up after ``timeout``."""

    def fetch(url: str, if_none_match: str | None) -> HttpResponse:
        check_url(url, "url")
        headers = {"Accept": "application/jwt, application/json", "User-Agent": "idverify-verifier"}
        if if_none_match is not None:
            headers["If-None-Match"] = if_none_match
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                body = response.read(max_bytes + 1)
                if len(body) > max_bytes:
                    raise ResponseTooLarge(f"{url} answered more than {max_bytes} bytes")
                return HttpResponse(response.status, body, response.headers.get("ETag"))
        except urllib.error.HTTPError as error:
            # urllib reports 304 Not Modified as an error; to us it is a success.
            with error:
                return HttpResponse(error.code, b"", error.headers.get("ETag"))

    return fetch
