"""Render domain errors on web forms: each message beside its field."""

from __future__ import annotations

from django import forms

from idverify.errors import DomainError


def apply_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put a service's error on the form; fields the form lacks become form-level errors."""
    placed = False
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
