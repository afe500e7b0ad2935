"""API request bodies mean what the published schema says they mean.

DRF reads input leniently in ways the schema does not promise:

- JSON: a number is taken for a string (``"reason": 0`` becomes ``"0"``), a
  string for a number, ``1`` or ``"yes"`` for true. A client's typo is
  accepted and stored in a form it did not send.
- Forms (urlencoded and multipart): a boolean left out is read as *false*
  (an HTML checkbox's convention), so a form-encoded PATCH that names only a
  tier's name would switch off its "U.S. persons only" requirement; a blank
  optional value is read as absent, or as null.

``StrictInput``, the base of every API input serializer, reads JSON by its
types and a form as a plain mapping: a field left out is left out, a blank
value is a value (refused where blank is not allowed), and everything else is
DRF's own validation with its messages by the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.utils import html

_STRING_FIELDS = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.UUIDField,
)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# The JSON type each kind of field reads, and what to say when it gets another.
_JSON_TYPES: list[tuple[tuple[type[Any], ...], Callable[[Any], bool], str]] = [
    ((serializers.BooleanField,), lambda value: isinstance(value, bool), "Must be true or false."),
    ((serializers.IntegerField,), _is_whole, "Must be a whole number."),
    ((serializers.FloatField, serializers.DecimalField), _is_number, "Must be a number."),
    (_STRING_FIELDS, lambda value: isinstance(value, str), "Must be a string."),
]


def _json_type_error(field: serializers.Field[Any, Any, Any, Any], value: Any) -> str | None:
    """Why ``value`` is not of the JSON type ``field`` reads, or None."""
    if value is None:
        return None  # allow_null decides, with DRF's own message
    if isinstance(field, serializers.ListField):
        # DRF refuses a non-list itself.
        items = value if isinstance(value, list) and field.child is not None else []
        for position, item in enumerate(items, start=1):
            problem = _json_type_error(field.child, item)
            if problem is not None:
                return f"Item {position}: {problem}"
        return None
    for kinds, fits, message in _JSON_TYPES:
        if isinstance(field, kinds):
            return None if fits(value) else message
    return None


def _form_as_mapping(
    fields: Mapping[str, serializers.Field[Any, Any, Any, Any]], form: Any
) -> dict[str, Any]:
    """A form's values as a plain mapping: lists for list fields, the last value otherwise."""
    return {
        name: form.getlist(name)
        if isinstance(fields.get(name), serializers.ListField)
        else form[name]
        for name in form
    }


class StrictInput(serializers.Serializer[Any]):
    def to_internal_value(self, data: Any) -> Any:
        if html.is_html_input(data):
            return super().to_internal_value(_form_as_mapping(self.fields, data))
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        type_errors = {
            name: [problem]
            for name, field in self.fields.items()
            if name in data and not field.read_only
            for problem in [_json_type_error(field, data[name])]
            if problem is not None
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            raise serializers.ValidationError({**exc.detail, **type_errors}) from None
        if type_errors:
            raise serializers.ValidationError(type_errors)
        return value
