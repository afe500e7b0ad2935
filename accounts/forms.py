from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from accounts import identifiers
from accounts.email_addresses import validate_not_formula
from accounts.models import Membership
from accounts.services.memberships import ASSIGNABLE_ROLES
from accounts.services.sponsorships import DEFAULT_PERIOD_MONTHS, MAX_PERIOD_MONTHS

_KEY_LIFETIMES = [(30, "in 30 days"), (90, "in 90 days"), (365, "in a year"), (0, "never")]


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Key name",
        help_text="What will use it, so you can recognise it later (e.g. “CI pipeline”).",
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires",
        coerce=int,
        choices=_KEY_LIFETIMES,
        initial=90,
        help_text="Keys that expire limit the damage if one leaks.",
    )

    def __init__(self, *args: Any, max_days: int | None = None, **kwargs: Any) -> None:
        """``max_days``: the longest lifetime this person's keys may have (privileged people)."""
        super().__init__(*args, **kwargs)
        if max_days is None:
            return
        field = self.fields["expires_in_days"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        allowed = [(days, label) for days, label in _KEY_LIFETIMES if 0 < days < max_days]
        field.choices = [*allowed, (max_days, f"in {max_days} days")]
        field.initial = max_days
        field.help_text = (
            "Keys of compliance officers, signing officials and organisation admins "
            f"expire within {max_days} days."
        )


class RegistrationForm(forms.Form):
    legal_name = forms.CharField(
        max_length=200,
        label="Legal name",
        help_text="Exactly as registered, e.g. “Acme Robotics, Inc.”.",
    )
    country_of_incorporation = forms.ChoiceField(
        label="Country of incorporation", initial=identifiers.UNITED_STATES
    )
    state_of_incorporation = forms.ChoiceField(
        label="State of incorporation",
        required=False,
        help_text="U.S. organisations only.",
    )
    ein = forms.CharField(
        max_length=20,
        required=False,
        label="Employer Identification Number (EIN)",
        help_text="Nine digits, NN-NNNNNNN, from your IRS letter. Required for U.S. organisations.",
    )
    uei = forms.CharField(
        max_length=20,
        required=False,
        label="SAM.gov Unique Entity ID (optional)",
        help_text="12 letters and digits, if the organisation is registered in SAM.gov.",
    )
    website_domain = forms.CharField(
        max_length=300,
        required=False,
        label="Website domain",
        help_text="e.g. example.com. You will prove you control it with a DNS record.",
    )
    declaration_sha256 = forms.CharField(widget=forms.HiddenInput)
    declaration_accepted = forms.BooleanField(
        label="I have read the declaration above and make it on behalf of the organisation."
    )
    signature_name = forms.CharField(
        max_length=200,
        label="Your full name, as your signature",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country_of_incorporation"]
        state = self.fields["state_of_incorporation"]
        assert isinstance(country, forms.ChoiceField)  # noqa: S101 - declared above
        assert isinstance(state, forms.ChoiceField)  # noqa: S101
        country.choices = identifiers.country_choices()
        state.choices = [("", "Not in the United States"), *identifiers.us_state_choices()]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Reason",
        help_text="Kept in the audit log.",
        widget=forms.TextInput(),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=[(r.value, r.label) for r in ASSIGNABLE_ROLES],
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        validators=[validate_not_formula],
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[(r.value, r.label) for r in ASSIGNABLE_ROLES],
        initial=Membership.Role.MEMBER,
        help_text="Only a signing official can invite another signing official.",
    )


class SponsorForm(forms.Form):
    member = forms.ChoiceField(label="Member")
    basis = forms.CharField(
        max_length=300,
        label="Basis",
        help_text="What the organisation relies on, e.g. “I-9 on file, U.S. citizen”.",
    )
    period_months = forms.IntegerField(
        label="Period in months",
        min_value=1,
        max_value=MAX_PERIOD_MONTHS,
        initial=DEFAULT_PERIOD_MONTHS,
        help_text=f"From 1 to {MAX_PERIOD_MONTHS}; 12 unless you have a reason.",
    )

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = members


class EnrolmentUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "UTF-8 (with or without BOM), comma-separated, at most 10 MB and 100,000 rows. "
            "It is checked first; nothing changes until you choose to import."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page's script refuses a bigger file before sending it (the server checks too).
        self.fields["file"].widget.attrs["data-max-bytes"] = settings.IDV_ENROLMENT_MAX_BYTES
