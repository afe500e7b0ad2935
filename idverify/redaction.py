"""Secrets out of log lines: keys in URL paths and query strings, and our tokens anywhere.

Some links carry their secret in the URL: allauth's e-mail confirmation
(``/accounts/confirm-email/<key>/``) and password reset
(``/accounts/password/reset/key/<uidb36>-<key>/``), and our invitation link
(``/invitations/accept?token=idv_inv_...``). Whoever reads a log holding one
can confirm that address, set that password or join that organisation.

Two ways in. Where the request's URL pattern matched, the captured parameters
named in ``SECRET_URL_PARAMETERS`` are replaced (``redact_request_path``). In
any other text (a log message, a traceback, an unmatched path) patterns do it:
the literal beginning of every route with such a parameter, taken from the
URL configuration, with what follows it up to the next ``/``; the value of
every query parameter or ``name: value`` pair whose name looks secret; and
anything shaped like one of our tokens (``idv_pat_``, ``idv_inv_``, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import ResolverMatch

REDACTED = "[redacted]"

# Names of captured URL parameters that are secrets. tests/idverify/test_log_redaction.py
# makes every URL parameter of the project either one of these or reviewed as not secret.
SECRET_URL_PARAMETERS = frozenset({"key", "token", "secret", "code", "signature", "password"})

# Query parameters and name/value pairs whose names look like these hold secrets.
_HIDDEN_NAME = re.compile(
    r"token|key|secret|sig|passw|pwd|code|otp|auth|session|credential|jwt|assertion",
    re.IGNORECASE,
)
# name=value (a query string, a form body, a message)...
_ASSIGNED = re.compile(r"([\w.-]+=)([^&;#\s'\"<>\\,)]*)")
# ...and 'name': 'value' or name="value" (a dict's repr, JSON, keyword arguments).
_QUOTED = re.compile(r"""(['"]?[\w.-]+['"]?\s*[:=]\s*b?(['"]))(.*?)\2""")
# Our secrets carry a prefix (as secret scanners expect): API keys, invitation
# tokens, model-client secrets. Client ids (idv_mc_) are caught too: harmless.
_OUR_TOKENS = re.compile(r"\b(idv_[a-z]{2,8}_)[A-Za-z0-9_\-]{8,}")
# What may follow a secret route's beginning: up to the next slash, query or quote.
_SEGMENT = r"[^/?#\s'\"<>\\]+"


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        regex = entry.pattern.regex.pattern.lstrip("^").removesuffix("$").removesuffix(r"\Z")
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + regex)
        else:
            yield prefix + regex, entry


def _literal_start(regex: str) -> str:
    """The text every match of ``regex`` begins with, up to its first group or operator."""
    out = []
    chars = iter(regex)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            if escaped.isalnum():  # \w, \d, ...: a class, not a literal
                break
            out.append(escaped)
        elif char in "()[]{}.*+?|^$":
            break
        else:
            out.append(char)
    return "".join(out)


def secret_routes() -> list[tuple[str, URLPattern]]:
    """(full regex, pattern) of every URL pattern that captures a secret parameter."""
    return [
        (regex, pattern)
        for regex, pattern in _walk(get_resolver().url_patterns)
        if SECRET_URL_PARAMETERS & set(pattern.pattern.regex.groupindex)
    ]


_route_starts: re.Pattern[str] | None = None


def _secret_route_starts() -> re.Pattern[str] | None:
    """One pattern for the fixed beginnings of the secret routes, built once the URL
    configuration can be loaded (records logged while apps load go without it)."""
    global _route_starts  # noqa: PLW0603 - built once, from the URL configuration
    if _route_starts is None and apps.ready:
        found = {"/" + _literal_start(regex) for regex, _ in secret_routes()}
        # A route that began with its secret would leave "/", which would swallow
        # every path's first segment; the tests refuse such a route.
        starts = sorted((start for start in found if start.strip("/")), reverse=True)
        alternatives = "|".join(re.escape(start) for start in starts) or r"(?!x)x"
        _route_starts = re.compile(rf"({alternatives}){_SEGMENT}")
    return _route_starts


def _hide_assigned(match: re.Match[str]) -> str:
    return match[1] + REDACTED if _HIDDEN_NAME.search(match[1]) else match[0]


def _hide_quoted(match: re.Match[str]) -> str:
    if not _HIDDEN_NAME.search(match[1]):
        return match[0]
    return match[1] + REDACTED + match[2]


def redact_text(text: str) -> str:
    """``text`` with every secret the patterns recognise replaced."""
    # Each pattern only where it could match: this runs for every log line.
    routes = _secret_route_starts() if "/" in text else None
    if routes is not None:
        text = routes.sub(rf"\1{REDACTED}", text)
    if "=" in text:
        text = _ASSIGNED.sub(_hide_assigned, text)
    if "'" in text or '"' in text:
        text = _QUOTED.sub(_hide_quoted, text)
    if "idv_" in text:
        text = _OUR_TOKENS.sub(rf"\1{REDACTED}", text)
    return text


def redact_matched_path(path: str, match: ResolverMatch | None) -> str:
    """``path`` with the secret parameters its URL pattern captured replaced.

    Falls back to the patterns when nothing matched (a 404, a missing slash).
    """
    if match is not None:
        for name, value in match.kwargs.items():
            if name in SECRET_URL_PARAMETERS and isinstance(value, str) and value:
                # The last occurrence: secrets end the routes that carry them.
                head, found, tail = path.rpartition(value)
                if found:
                    path = head + REDACTED + tail
    return redact_text(path)


def redact_request_path(request: Any) -> str:
    """The request's path (no query string) as it may be logged."""
    return redact_matched_path(str(request.path), getattr(request, "resolver_match", None))


def describe_request(request: Any) -> str:
    """A request as log lines may show it: method and redacted path and query."""
    path = redact_request_path(request)
    query = str(request.META.get("QUERY_STRING", ""))
    return f"<{request.method} {path}{redact_text('?' + query) if query else ''}>"
