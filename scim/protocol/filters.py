"""SCIM filters (parsed and checked by scim2-models) as Django queries.

The attributes are the ones IdPs filter on: Okta asks ``userName eq``,
Entra ID ``userName eq``, ``externalId eq``, ``emails[type eq "work"].value
eq`` and ``displayName eq`` for groups; any of ``eq ne co sw ew gt ge lt le pr``
with ``and``, ``or`` and ``not`` works on each. Strings that are not case-exact
(RFC 7643) compare case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from scim2_models import InvalidFilterException
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from scim.protocol.resources import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA


@dataclass(frozen=True)
class Column:
    field: str
    kind: str = "text"  # text (case-insensitive), exact (case-exact), key (stored lowercased),
    # bool, datetime, uuid


USER_COLUMNS: dict[str, Column] = {
    "id": Column("public_id", "uuid"),
    "externalid": Column("external_id", "exact"),
    "username": Column("user_name_key", "key"),
    "displayname": Column("display_name"),
    "active": Column("active", "bool"),
    "name.formatted": Column("formatted_name"),
    "name.givenname": Column("given_name"),
    "name.familyname": Column("family_name"),
    "employeenumber": Column("employee_number", "exact"),
    "department": Column("department"),
    "meta.created": Column("created_at", "datetime"),
    "meta.lastmodified": Column("updated_at", "datetime"),
}

GROUP_COLUMNS: dict[str, Column] = {
    "id": Column("public_id", "uuid"),
    "externalid": Column("external_id", "exact"),
    "displayname": Column("display_name"),
    "members.value": Column("members__public_id", "uuid"),
    "members": Column("members__public_id", "uuid"),
    "meta.created": Column("created_at", "datetime"),
    "meta.lastmodified": Column("updated_at", "datetime"),
}

_LOOKUPS = {
    CompareOperator.co: "contains",
    CompareOperator.sw: "startswith",
    CompareOperator.ew: "endswith",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}


def _name(attr_path: AttrPath) -> str:
    uri = (attr_path.uri or "").lower()
    if uri and uri not in (USER_SCHEMA.lower(), ENTERPRISE_SCHEMA.lower(), GROUP_SCHEMA.lower()):
        raise InvalidFilterException(detail=f"Unknown schema {attr_path.uri!r} in the filter.")
    name = attr_path.attr.lower()
    return f"{name}.{attr_path.sub_attr.lower()}" if attr_path.sub_attr else name


def _value(column: Column, value: Any) -> Any:
    if column.kind == "bool":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"  # Entra ID sends "False"
        if not isinstance(value, bool):
            raise InvalidFilterException(detail=f"{value!r} is not a boolean.")
        return value
    if column.kind == "datetime":
        if isinstance(value, datetime):
            return value
        try:
            return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidFilterException(detail=f"{value!r} is not a date and time.") from None
    if not isinstance(value, str):
        raise InvalidFilterException(detail=f"{value!r} is not a string.")
    return value.lower() if column.kind == "key" else value


def _compare(column: Column, op: CompareOperator, raw: Any) -> Q:
    if raw is None:
        # "eq null" is "not present" (RFC 7644 §3.4.2.2).
        present = _present(column)
        return ~present if op == CompareOperator.eq else present
    value = _value(column, raw)
    if column.kind == "uuid":
        if op not in (CompareOperator.eq, CompareOperator.ne):
            raise InvalidFilterException(detail="Ids compare with eq or ne only.")
        try:
            from uuid import UUID

            q = Q(**{column.field: UUID(value)})
        except ValueError:
            q = Q(pk__in=[])  # an id that is not ours matches nothing
        return ~q if op == CompareOperator.ne else q
    if column.kind == "bool" and op not in (CompareOperator.eq, CompareOperator.ne):
        raise InvalidFilterException(detail="Booleans compare with eq or ne only.")
    insensitive = column.kind == "text"
    if op in (CompareOperator.eq, CompareOperator.ne):
        q = Q(**{f"{column.field}__{'iexact' if insensitive else 'exact'}": value})
        return ~q if op == CompareOperator.ne else q
    lookup = _LOOKUPS[op]
    if insensitive and lookup in ("contains", "startswith", "endswith"):
        lookup = "i" + lookup
    return Q(**{f"{column.field}__{lookup}": value})


def _present(column: Column) -> Q:
    if column.kind in ("bool", "datetime", "uuid"):
        return Q(**{f"{column.field}__isnull": False})
    return ~Q(**{column.field: ""}) & Q(**{f"{column.field}__isnull": False})


def _emails(node: FilterNode | None, op: CompareOperator | None, value: Any) -> Q:
    """``emails.value <op> x`` and ``emails[type eq "work" and value <op> x]``."""
    type_: str | None = None
    comparison: tuple[CompareOperator, Any] | None = (op, value) if op is not None else None
    terms = (
        node.terms
        if isinstance(node, LogicalExpr) and node.op == LogicalOperator.and_
        else (node,)
        if node is not None
        else ()
    )
    for term in terms:
        if not isinstance(term, Comparison):
            raise InvalidFilterException(detail="Only eq/co/sw/ew on emails are supported.")
        sub = term.attr_path.attr.lower()
        if sub == "type" and term.op == CompareOperator.eq and isinstance(term.value, str):
            type_ = term.value.lower()
        elif sub == "value" and isinstance(term.value, str):
            comparison = (term.op, term.value)
        else:
            raise InvalidFilterException(detail="Emails filter on type eq and value only.")
    if comparison is None:
        entry = {"type": type_} if type_ else {}
        return Q(emails_index__contains=[entry]) if entry else ~Q(emails_index=[])
    op_, raw = comparison
    if not isinstance(raw, str):
        raise InvalidFilterException(detail="An email address is a string.")
    wanted = raw.lower()
    if op_ == CompareOperator.eq:
        entry = {"value": wanted, **({"type": type_} if type_ else {})}
        return Q(emails_index__contains=[entry])
    if type_ is None and op_ == CompareOperator.co:
        return Q(emails_text__contains=wanted)
    if type_ is None and op_ == CompareOperator.sw:
        return Q(emails_text__regex="(^|\n)" + re.escape(wanted))
    if type_ is None and op_ == CompareOperator.ew:
        return Q(emails_text__regex=re.escape(wanted) + "($|\n)")
    raise InvalidFilterException(detail="This comparison on emails is not supported.")


def to_q(node: FilterNode, columns: dict[str, Column], *, users: bool) -> Q:  # noqa: PLR0911 - one return per kind of node
    recurse: Callable[[FilterNode], Q] = lambda n: to_q(n, columns, users=users)  # noqa: E731
    if isinstance(node, LogicalExpr):
        parts = [recurse(term) for term in node.terms]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if node.op == LogicalOperator.and_ else combined | part
        return combined
    if isinstance(node, Not):
        return ~recurse(node.expr)
    if isinstance(node, ValuePath):
        if users and _name(node.attr_path) == "emails":
            return _emails(node.val_filter, None, None)
        if not users and _name(node.attr_path) == "members":
            return recurse(_prefix(node.val_filter, "members"))
        raise InvalidFilterException(detail=f"Filtering on {node.attr_path} is not supported.")
    if isinstance(node, Comparison | Present):
        name = _name(node.attr_path)
        if users and name in ("emails", "emails.value"):
            if isinstance(node, Present):
                return ~Q(emails_index=[])
            return _emails(None, node.op, node.value)
        column = columns.get(name)
        if column is None:
            raise InvalidFilterException(detail=f"Filtering on {node.attr_path} is not supported.")
        if isinstance(node, Present):
            return _present(column)
        return _compare(column, node.op, node.value)
    raise InvalidFilterException(detail="This filter is not supported.")


def _prefix(node: FilterNode, attr: str) -> FilterNode:
    """A value-path filter's terms as full paths (``members[value eq x]`` -> ``members.value``)."""
    if isinstance(node, Comparison):
        return Comparison(AttrPath(attr, node.attr_path.attr), node.op, node.value)
    if isinstance(node, Present):
        return Present(AttrPath(attr, node.attr_path.attr))
    if isinstance(node, Not):
        return Not(_prefix(node.expr, attr))
    if isinstance(node, LogicalExpr):
        return LogicalExpr(node.op, tuple(_prefix(t, attr) for t in node.terms))
    raise InvalidFilterException(detail="This filter is not supported.")
