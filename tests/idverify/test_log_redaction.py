"""Which parts of a URL or a log message are secrets, and how they are written instead."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from idverify.logging import JsonFormatter, RedactSecretsFilter
from idverify.redaction import (
    SECRET_URL_PARAMETERS,
    _walk,
    redact_text,
    secret_routes,
)

# Every other parameter any URL of the project captures, reviewed: identifiers that
# are shown in pages and links anyway, never something that grants access.
NOT_SECRET = {
    "app_label",  # Django admin
    "content_type_id",
    "object_id",
    "url",
    "id",  # the admin's password-change page for a user
    "uidb36",  # allauth: the user's id in base 36; the key beside it is the secret
    "key_id",  # an API key's public id, not the key
    "org_id",
    "user_id",
    "invitation_id",
    "sponsorship_id",
    "job_id",
    "step",
    "document_id",
    "slug",
    "public_id",
    "jti",  # a token's id: revoking needs it, presenting it grants nothing
    "match_id",  # a screening match's public id; only officers can open it
    "token_id",  # a SCIM token's public id (revoking it); the bearer secret is never in a URL
    "path",  # the SCIM resource path (e.g. Users/<id>); SCIM's bearer token is a header
    "vendor",  # an identity-verification vendor's name (stripe_identity)
}


def test_every_url_parameter_is_either_a_secret_or_reviewed_as_not_one() -> None:
    from django.urls import get_resolver

    captured = {
        name
        for _regex, pattern in _walk(get_resolver().url_patterns)
        for name in pattern.pattern.regex.groupindex
    }
    unreviewed = captured - SECRET_URL_PARAMETERS - NOT_SECRET
    assert not unreviewed, (
        f"URL parameters {sorted(unreviewed)} are neither in "
        "idverify.redaction.SECRET_URL_PARAMETERS nor reviewed here as not secret"
    )


def test_every_route_carrying_a_secret_begins_with_fixed_text() -> None:
    # The fallback redacts what follows that text; a route starting with its secret
    # (or with another parameter) would need a pattern of its own.
    routes = {pattern.name: regex for regex, pattern in secret_routes()}
    assert set(routes) >= {"account_confirm_email", "account_reset_password_from_key"}
    for name, regex in routes.items():
        assert regex.split("(", 1)[0].strip("^/"), name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "GET /accounts/confirm-email/MTM1:1xZdD9:b41c/ HTTP/1.1",
            "GET /accounts/confirm-email/[redacted]/ HTTP/1.1",
        ),
        (
            "https://idv.example/accounts/password/reset/key/3u-dj36qf-ad4e52f7/",
            "https://idv.example/accounts/password/reset/key/[redacted]/",
        ),
        (
            "<GET /invitations/accept?token=idv_inv_abc&next=/x>",
            "<GET /invitations/accept?token=[redacted]&next=/x>",
        ),
        (
            "/cb?code=abc&state=1&client_secret=s3&sig=x",
            "/cb?code=[redacted]&state=1&client_secret=[redacted]&sig=[redacted]",
        ),
        ("{'key': 'MTM1:1x', 'email': 'a@b.c'}", "{'key': '[redacted]', 'email': 'a@b.c'}"),
        ('"password1": "hunter2hunter2"', '"password1": "[redacted]"'),
        ("Bearer idv_pat_0123456789abcdefghijklmnopqrst", "Bearer idv_pat_[redacted]"),
        ("secret idv_mcs_Zm9vYmFyYmF6cXV4", "secret idv_mcs_[redacted]"),
    ],
)
def test_secrets_in_text_are_replaced(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "/api/v1/organizations/5f0c6d1e-5e1d-4b1e-9f3a-1c2d3e4f5a6b/members",
        "/accounts/confirm-email/",
        "/accounts/password/reset/",
        "Task accounts.invitations_send[4ff86461] succeeded in 0.04s: 1",
        "GeoIP database opened: /var/lib/GeoIP/GeoLite2-City.mmdb",
    ],
)
def test_ordinary_paths_and_messages_are_left_alone(text: str) -> None:
    assert redact_text(text) == text


def _emitted(record: logging.LogRecord) -> str:
    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(RedactSecretsFilter())
    handler.setFormatter(JsonFormatter())
    handler.handle(record)
    return handler.stream.getvalue()


def test_message_arguments_extras_and_tracebacks_are_redacted() -> None:
    try:
        raise ValueError("bad link /accounts/confirm-email/Zm9vOmJhcg/")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.makeLogRecord(
        {
            "name": "anything",
            "levelno": logging.ERROR,
            "levelname": "ERROR",
            "msg": "failed for %s",
            "args": ("/invitations/accept?token=idv_inv_c2VjcmV0c2VjcmV0",),
            "exc_info": exc_info,
            "detail": {"url": "/x?api_key=abcd1234", "n": 3},
        }
    )
    line = json.loads(_emitted(record))
    assert line["message"] == "failed for /invitations/accept?token=[redacted]"
    assert line["detail"] == {"url": "/x?api_key=[redacted]", "n": 3}
    assert "Zm9vOmJhcg" not in line["exc_info"]
    assert "/accounts/confirm-email/[redacted]/" in line["exc_info"]


def test_a_record_with_a_broken_format_is_still_written() -> None:
    record = logging.makeLogRecord({"msg": "%s and %s", "args": ("one",)})
    assert "%s and %s" in _emitted(record)


@pytest.mark.django_db
def test_an_unmatched_secret_path_is_redacted_in_the_access_log(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # No slash at the end: no URL pattern matches, so the fallback does it.
    with caplog.at_level(logging.INFO, logger="idverify.access"):
        client.get("/accounts/password/reset/key/7-secret-reset-key")
    record = next(r for r in caplog.records if r.name == "idverify.access")
    assert record.path == "/accounts/password/reset/key/[redacted]"  # type: ignore[attr-defined]


def test_a_record_that_cannot_be_redacted_is_withheld_not_written() -> None:
    class Unprintable:
        def __str__(self) -> str:
            raise RuntimeError("no")

    record = logging.makeLogRecord({"msg": "token=abc", "thing": Unprintable()})
    line = json.loads(_emitted(record))
    assert line["message"].startswith("[log line withheld")
    assert "thing" not in line


def test_every_django_record_goes_through_the_one_redacting_handler() -> None:
    # Django's defaults add a plain console handler (DEBUG) and e-mail to ADMINS,
    # and keep runserver's lines to themselves; none of them redacts.
    for name in ("django", "django.request", "django.server", "django.security.csrf"):
        logger = logging.getLogger(name)
        assert logger.handlers == [], name
        assert logger.propagate, name
    assert any(
        any(isinstance(f, RedactSecretsFilter) for f in handler.filters)
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, JsonFormatter)
    )
