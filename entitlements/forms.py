"""Compliance console forms."""

from __future__ import annotations

from typing import Any

from django import forms

from entitlements.models import DirectiveState

REASON_HINT = "Kept in the audit log for five years. Say what order or finding this follows."


class DirectiveForm(forms.Form):
    state = forms.ChoiceField(
        label="New directive",
        choices=DirectiveState.choices,
        widget=forms.RadioSelect,
        help_text="Every change voids all tokens of this model issued before it.",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HINT,
    )


class DirectiveConfirmForm(DirectiveForm):
    """The same values carried through the confirmation page, hidden."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].widget = forms.HiddenInput()
        self.fields["reason"].widget = forms.HiddenInput()


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=500, help_text=REASON_HINT)


class UserSearchForm(forms.Form):
    q = forms.CharField(
        label="Email address or user id",
        max_length=254,
        help_text="A full or partial email address, or the user's id (a UUID).",
    )
