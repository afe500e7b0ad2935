"""The one place screening reaches outside: downloading a published list.

Tests point ``IDV_SCREENING_CSL_URL`` at a local HTTP server. A download that
ends early (fewer bytes than its Content-Length), is larger than allowed, or
answers anything but 200 raises ``FetchFailed``; nothing partial is returned.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from pathlib import Path

from idverify.errors import Unavailable

CHUNK = 1 << 16


class FetchFailed(Unavailable):
    code = "screening.fetch_failed"
    default_message = "The list could not be downloaded; the lists in force are unchanged."


def download(url: str, *, dest: Path, timeout: float, max_bytes: int) -> Path:
    if not url.startswith(("https://", "http://")):
        raise FetchFailed(f"Only http(s) URLs can be fetched, not {url[:40]!r}.")
    request = urllib.request.Request(url, headers={"User-Agent": "idverify-screening"})  # noqa: S310 - scheme checked above
    received = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, dest.open("wb") as out:  # noqa: S310
            if response.status != 200:
                raise FetchFailed(f"The server answered {response.status}.")
            declared = response.headers.get("Content-Length")
            while chunk := response.read(CHUNK):
                received += len(chunk)
                if received > max_bytes:
                    raise FetchFailed(f"The download is larger than {max_bytes} bytes.")
                out.write(chunk)
    except urllib.error.HTTPError as exc:
        raise FetchFailed(f"The server answered {exc.code}.") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, TimeoutError) as exc:
        raise FetchFailed(f"The download failed: {exc}.") from None
    if declared is not None and declared.isdigit() and int(declared) != received:
        raise FetchFailed(f"The download ended early: {received} of {declared} bytes.")
    return dest
