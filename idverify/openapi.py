"""How the OpenAPI schema names things: one component per serializer, whoever declares it.

The APIs declare their serializers inside the view (``MeApi.OutputSerializer``),
so the bare class names repeat from view to view. Left to the default, every
``OutputSerializer`` would become one ``Output`` component and the schema would
describe most responses wrongly; here the view's name is part of the
component's (``MeOutput``, ``AttestationCreateInputRequest``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema


def component_name(serializer_class: type[Any]) -> str:
    """``MeApi.OutputSerializer`` -> ``MeOutput``; a top-level serializer keeps its name."""
    *outer, inner = serializer_class.__qualname__.split(".")
    inner = inner.removesuffix("Serializer")
    if not outer:
        return inner
    view = outer[-1].removesuffix("Api").removesuffix("View")
    return f"{view}{inner}"


class AutoSchema(BaseAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        name = component_name(type(serializer))
        # drf-spectacular appends "Request" to request bodies; don't say it twice.
        return name.removesuffix("Request") if direction == "request" else name
