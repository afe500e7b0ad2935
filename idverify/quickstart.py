"""The quick start's secrets and environment, kept in the var/ directory.

Only used in quick-start mode (``IDV_QUICKSTART=1``, set by ``make run``): a
production deployment must be given its secrets and database explicitly
(settings refuse to start otherwise).

``make run`` also writes the quick start's environment to ``var/quickstart.env``
(``python -m idverify.quickstart``), so that ``manage.py`` commands run in the
same checkout (``.venv/bin/python manage.py create_api_key EMAIL``) find the same
database and issuer without the caller repeating the environment.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path

ENV_FILE_NAME = "quickstart.env"
# What `make run` sets; these are written to the file, nothing else.
ENV_NAMES = ("IDV_QUICKSTART", "IDV_BASE_URL", "IDV_VAR_DIR", "ALLOWED_HOSTS")
# Any of these means the caller configured a real database: the file is not read.
_DATABASE_NAMES = ("DATABASE_URL", "DATABASE_URL_FILE")


def quickstart_secret(var_dir: Path, name: str, *, kind: str = "token") -> str:
    path = var_dir / "secrets" / name
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = (
        base64.urlsafe_b64encode(os.urandom(32)).decode("ascii").rstrip("=")
        if kind == "aes256"
        else secrets.token_urlsafe(50)
    )
    # O_EXCL: if two processes start at once, the loser reads the winner's value.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value


def env_file(base_dir: Path, environ: Mapping[str, str]) -> Path:
    """Where the quick start keeps its environment: ``$IDV_VAR_DIR`` or ``<checkout>/var``."""
    var_dir = environ.get("IDV_VAR_DIR") or str(base_dir / "var")
    return Path(var_dir) / ENV_FILE_NAME


def env_file_write(base_dir: Path, environ: Mapping[str, str]) -> Path:
    """Record the quick start's variables from ``environ`` (called by ``make run``)."""
    path = env_file(base_dir, environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Written by `make run`: the quick start's environment, read by manage.py when no",
        "# DATABASE_URL is set. Delete it (or run `make clean`) to stop that.",
        *(f"{name}={environ[name]}" for name in ENV_NAMES if environ.get(name)),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def env_file_load(base_dir: Path, environ: MutableMapping[str, str]) -> list[str]:
    """Fill ``environ`` from the quick start's file when the caller set no database.

    Variables already set win over the file. Returns the names taken from it.
    """
    if any(environ.get(name) for name in _DATABASE_NAMES):
        return []
    try:
        text = env_file(base_dir, environ).read_text(encoding="utf-8")
    except OSError:
        return []
    taken = []
    for line in text.splitlines():
        name, equals, value = line.strip().partition("=")
        if equals and name in ENV_NAMES and name not in environ:
            environ[name] = value
            taken.append(name)
    return taken


if __name__ == "__main__":
    written = env_file_write(Path(__file__).resolve().parent.parent, os.environ)
    sys.stderr.write(f"Quick-start environment written to {written}\n")
