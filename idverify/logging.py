"""Structured JSON logs with the request id of the request being served.

One JSON object a line, so log shippers need no parsing rules. Secrets stay
out: views that receive them use ``sensitive_post_parameters``, the access log
records the path (its secret parameters redacted), never the query string or
headers, and ``RedactSecretsFilter`` scrubs every record the handler writes,
whichever library logged it (``idverify.redaction``).
"""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest

from idverify.redaction import describe_request, redact_text

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

# Attributes every LogRecord has; anything else was passed in ``extra=`` and is logged.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def _scrub(value: object) -> object:
    if isinstance(value, str):
        return redact_text(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, HttpRequest):
        # Django's loggers pass the request; its repr holds the full URL and query.
        return describe_request(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return redact_text(str(value))


_WITHHELD = "[log line withheld: its secrets could not be redacted]"


class RedactSecretsFilter(logging.Filter):
    """Replace secrets (URL keys, secret query values, our tokens) in everything a record
    will be written with: message, extra fields, traceback."""

    _exceptions = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            self._redact(record)
        except Exception:  # withhold the line rather than risk writing a secret
            record.msg, record.args, record.exc_info, record.exc_text = _WITHHELD, None, None, None
            record.stack_info = None
            for key in list(vars(record)):
                if key not in _STANDARD and not key.startswith("_"):
                    delattr(record, key)
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not stop the log line
            message = str(record.msg)
        record.msg, record.args = redact_text(message), None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and not key.startswith("_"):
                setattr(record, key, _scrub(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exceptions.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            payload["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = value
        if record.exc_text:  # set, and redacted, by RedactSecretsFilter
            payload["exc_info"] = record.exc_text
        elif record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack_info"] = record.stack_info
        return json.dumps(payload, default=str, ensure_ascii=False)


def logging_config(level: str) -> dict[str, Any]:
    """Django's LOGGING: every record as a JSON line on stderr, with the request id."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "idverify.logging.RequestIdFilter"},
            "redact": {"()": "idverify.logging.RedactSecretsFilter"},
        },
        "formatters": {"json": {"()": "idverify.logging.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own handlers (a plain console one when DEBUG is on, e-mail to ADMINS
        # with the full request) are dropped: every record goes through the one above.
        "loggers": {
            "django": {"level": "INFO", "handlers": [], "propagate": True},
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING", "handlers": [], "propagate": True},
        },
    }
