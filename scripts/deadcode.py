"""The dead-code check (``make deadcode``): vulture, configured in pyproject.toml.

Reported: unused functions, classes, methods, properties, imports, unreachable
code and unused arguments. Not reported: the data names vulture is only 60% sure
of (model and serializer fields, TypedDict keys, attributes set on model
instances, form and admin options). Their readers are the ORM, serializers'
``fields`` lists, templates and JSON clients, which name them as strings vulture
cannot see, so listing them all would make the allow-list the size of the models.
"""

from __future__ import annotations

import sys

from vulture.config import make_config
from vulture.core import Vulture

DATA = frozenset({"variable", "attribute"})


def main() -> int:
    with open("pyproject.toml", "rb") as toml:
        config = make_config([], toml)
    vulture = Vulture(
        ignore_names=config["ignore_names"], ignore_decorators=config["ignore_decorators"]
    )
    vulture.scavenge(config["paths"], exclude=config["exclude"])
    found = [
        item
        for item in vulture.get_unused_code(min_confidence=60)
        if not (item.typ in DATA and item.confidence < 100)
    ]
    for item in found:
        print(item.get_report(add_size=False))  # noqa: T201 - the report is the output
    if found:
        print(  # noqa: T201
            f"{len(found)} unused name(s). Remove them, or if a framework calls them, "
            "add them to scripts/deadcode_allowlist.py or [tool.vulture] in pyproject.toml.",
            file=sys.stderr,
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
