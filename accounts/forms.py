from __future__ import annotations

from django import forms


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Key name",
        help_text="What will use it, so you can recognise it later (e.g. “CI pipeline”).",
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires",
        coerce=int,
        choices=[(30, "in 30 days"), (90, "in 90 days"), (365, "in a year"), (0, "never")],
        initial=90,
        help_text="Keys that expire limit the damage if one leaks.",
    )
