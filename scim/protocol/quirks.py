"""What the big IdPs send that the RFCs define but this service does not keep.

Okta posts ``password``, ``locale`` and ``groups``; Entra ID's default
mappings send ``title``, ``phoneNumbers``, ``addresses``, ``roles`` and the
enterprise ``manager``. Those attributes are part of the RFC 7643 schemas, so
refusing them would break every default set-up; keeping them would store
personal data we have no use for. They are dropped before validation, from
bodies and from PATCH operations, and never returned (the ``Schemas``
endpoint does not list them). An attribute no RFC defines is still refused
as unknown by the validation that follows.

Everything else the IdPs do differently (``"op": "Replace"``, ``"False"``,
``members`` removed by ``value``, value-filtered paths, Entra's
``aadOptscim062020`` query flag) is read by scim2-models and scim2-server
themselves, or ignored as a query parameter nobody reads.
"""

from __future__ import annotations

import json
from typing import Any

from scim.protocol.resources import ENTERPRISE_SCHEMA, USER_SCHEMA

# RFC 7643 §4.1 and §4.3 attributes this service does not keep (lowercase).
IGNORED_USER = frozenset(
    {
        "nickname",
        "profileurl",
        "title",
        "usertype",
        "preferredlanguage",
        "locale",
        "timezone",
        "password",
        "phonenumbers",
        "ims",
        "photos",
        "addresses",
        "groups",
        "entitlements",
        "roles",
        "x509certificates",
    }
)
IGNORED_NAME = frozenset({"middlename", "honorificprefix", "honorificsuffix"})
IGNORED_ENTERPRISE = frozenset({"costcenter", "organization", "division", "manager"})


def _strip_user(body: dict[str, Any]) -> None:
    for key in list(body):
        lowered = key.lower()
        if lowered in IGNORED_USER:
            del body[key]
        elif lowered == "name" and isinstance(body[key], dict):
            for sub in list(body[key]):
                if sub.lower() in IGNORED_NAME:
                    del body[key][sub]
        elif lowered == ENTERPRISE_SCHEMA.lower() and isinstance(body[key], dict):
            for sub in list(body[key]):
                if sub.lower() in IGNORED_ENTERPRISE:
                    del body[key][sub]
        elif _ignored_path(key) and ":" in key:
            # A fully qualified attribute in a PATCH value ("urn:…:User:title").
            del body[key]


def _ignored_path(path: str) -> bool:
    lowered = path.strip().lower()
    for prefix, ignored in ((ENTERPRISE_SCHEMA, IGNORED_ENTERPRISE), (USER_SCHEMA, IGNORED_USER)):
        if lowered.startswith(prefix.lower() + ":"):
            head = lowered[len(prefix) + 1 :]
            return head.split("[")[0].split(".")[0] in ignored
    head = lowered.split("[")[0]
    first = head.split(".")[0]
    if first in IGNORED_USER:
        return True
    return first == "name" and "." in head and head.split(".")[1] in IGNORED_NAME


def user_body(raw: bytes, *, patch: bool) -> bytes | None:
    """The body with the RFC attributes we do not keep taken out. A body that is not a
    JSON object is returned as it came, for the validation to refuse properly. None is
    a PATCH whose every operation was on such attributes: nothing to apply."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return raw
    if not isinstance(body, dict):
        return raw
    if not patch:
        _strip_user(body)
        return json.dumps(body).encode()
    operations = next((v for k, v in body.items() if k.lower() == "operations"), None)
    if not isinstance(operations, list):
        return raw
    kept = []
    for op in operations:
        if not isinstance(op, dict):
            kept.append(op)
            continue
        path = next((v for k, v in op.items() if k.lower() == "path"), None)
        if isinstance(path, str) and _ignored_path(path):
            continue
        value_key = next((k for k in op if k.lower() == "value"), None)
        if path is None and value_key is not None and isinstance(op[value_key], dict):
            _strip_user(op[value_key])
            if not op[value_key]:
                continue
        kept.append(op)
    if not kept and operations:
        return None
    body["Operations"] = kept
    for key in [k for k in body if k.lower() == "operations" and k != "Operations"]:
        del body[key]
    return json.dumps(body).encode()


def group_body(raw: bytes) -> bytes:
    """Entra ID removes members with ``{"op": "Remove", "path": "members", "value":
    [{"$ref": null, "value": "<id>"}]}``. A member is identified by its ``value``
    alone; the ``$ref: null`` beside it would otherwise have to match too."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return raw
    operations = (
        next((v for k, v in body.items() if k.lower() == "operations"), None)
        if isinstance(body, dict)
        else None
    )
    if not isinstance(operations, list):
        return raw
    for op in operations:
        if not isinstance(op, dict):
            continue
        fields = {k.lower(): k for k in op}
        kind, path, value = (op.get(fields.get(name, "")) for name in ("op", "path", "value"))
        if (
            isinstance(kind, str)
            and kind.lower() == "remove"
            and isinstance(path, str)
            and path.strip().lower() == "members"
            and isinstance(value, list)
        ):
            op[fields["value"]] = [
                {"value": item["value"]} if isinstance(item, dict) and "value" in item else item
                for item in value
            ]
    return json.dumps(body).encode()
