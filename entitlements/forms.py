"""Compliance console forms."""

from __future__ import annotations

from typing import Any

from django import forms

from entitlements.models import Assurance, DirectiveState

REASON_HINT = "Kept in the audit log for five years. Say what order or finding this follows."


def reason_field() -> forms.CharField:
    return forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HINT,
    )


class DirectiveForm(forms.Form):
    state = forms.ChoiceField(
        label="New directive",
        choices=DirectiveState.choices,
        widget=forms.RadioSelect,
        help_text="Every change voids all tokens of this model issued before it.",
    )
    reason = reason_field()


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


LEVEL_CHOICES = [
    (1, "1: a signed self-attestation"),
    (2, "2: plus a checked document or organisation sponsorship"),
    (3, "3: both routes, or a document approved by an officer"),
]


class TierForm(forms.Form):
    """A tier's requirements, with the reason for the change (console)."""

    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    min_level = forms.TypedChoiceField(
        label="Minimum verification level", choices=LEVEL_CHOICES, coerce=int
    )
    us_person_required = forms.BooleanField(label="Only U.S. persons", required=False)
    sponsorship_required = forms.BooleanField(
        label="Only people an organisation sponsors", required=False
    )
    min_assurance = forms.ChoiceField(
        label="Minimum identity assurance",
        choices=Assurance.choices,
        initial=Assurance.NONE,
        required=False,
        help_text="Typed machine-readable lines alone never reach IAL1.",
    )
    anonymizers_allowed = forms.BooleanField(
        label="Allow VPNs, proxies, Tor and hosting addresses", required=False
    )
    block_embargoed_places = forms.BooleanField(
        label="Refuse requests from embargoed countries and regions", required=False
    )
    blocked_places = forms.CharField(
        label="Also refuse these places",
        required=False,
        max_length=2000,
        help_text="ISO 3166 codes separated by commas, countries or regions, e.g. RU, UA-43.",
    )
    reason = reason_field()

    def clean_min_assurance(self) -> str:
        value: str = self.cleaned_data["min_assurance"]
        return value or Assurance.NONE

    def clean_blocked_places(self) -> list[str]:
        text: str = self.cleaned_data["blocked_places"]
        return [code.strip() for code in text.replace(";", ",").split(",") if code.strip()]


class TierCreateForm(TierForm):
    slug = forms.CharField(
        label="Identifier",
        max_length=64,
        help_text="The tokens' audience, e.g. fable-5: lowercase letters, digits, '.' and '-'. "
        "It cannot change later.",
    )
    field_order = ["slug", "name"]
