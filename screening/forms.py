from __future__ import annotations

from typing import Any

from django import forms

from idverify.reasons import REASON_REQUIRED
from screening.models import ScreeningMatch


class MatchFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *ScreeningMatch.Status.choices],
        initial="pending",
    )
    kind = forms.ChoiceField(
        required=False, label="Who", choices=[("", "Anyone"), *ScreeningMatch.SubjectKind.choices]
    )
    q = forms.CharField(required=False, max_length=200, label="Name or email contains")


class MatchDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[
            ("clear", "Clear: a false positive (not the listed party)"),
            ("confirm", "Confirm: this is the listed party (access stays blocked)"),
        ],
        error_messages={"required": "Choose whether to clear or confirm the match."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": REASON_REQUIRED},
    )

    def clean(self) -> dict[str, Any]:
        return super().clean() or {}
