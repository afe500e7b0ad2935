"""The U.S.-person declaration texts this release ships (``<version>.txt``).

``idverify.declarations`` says how a new wording is published; a migration and
``selectors.current_declaration`` copy the newest into the ``Declaration`` table.
"""

from __future__ import annotations

from idverify.declarations import ShippedDeclarations

SHIPPED = ShippedDeclarations(__file__)
FIRST_VERSION = "2026-11"
