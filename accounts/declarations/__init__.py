"""The organisation declaration, signed by the registering admin (``<version>.txt``).

A stored signature keeps the version and hash of the words it was given under;
``idverify.declarations`` says how a new wording is published.
"""

from __future__ import annotations

from idverify.declarations import ShippedDeclarations

SHIPPED = ShippedDeclarations(__file__)
CURRENT = SHIPPED.latest()
