"""One rule for every email address a person or a file gives us: sign-up, a new address on
an account, an invitation, a CSV row, the admin.

An address that starts like a spreadsheet formula (``=f5@bcorp.example``; see
``idverify.csvsafe``) is valid by RFC 5322 but is stored, then exported to CSV
files an admin opens; it is refused where it comes in, with a sentence saying why.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from idverify.csvsafe import formula_start

FORMULA_CODE = "formula_email"
FORMULA_MESSAGE = (
    "An email address cannot start with =, +, - or @ (or their fullwidth forms): "
    "spreadsheets would run it as a formula."
)


def validate_not_formula(value: str) -> None:
    """A Django validator (model field, forms, allauth's adapter)."""
    if formula_start(value):
        raise ValidationError(FORMULA_MESSAGE, code=FORMULA_CODE)
