"""Web forms for the attestation steps, documents and review decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from attestations.countries import countries_united_states_first, country_choices
from attestations.models import DocumentDecisionReason, DocumentType, UsPersonStatus
from attestations.services.attestation import signature_error

STATUS_HELP: dict[str, str] = {
    UsPersonStatus.US_CITIZEN: (
        "You were born in the United States or one of its territories, were born abroad to a "
        "U.S.-citizen parent, or became a citizen by naturalisation."
    ),
    UsPersonStatus.US_NATIONAL: (
        "You owe allegiance to the United States but are not a citizen, for example if you "
        "were born in American Samoa or Swains Island."
    ),
    UsPersonStatus.LAWFUL_PERMANENT_RESIDENT: (
        "You hold a green card (Permanent Resident Card, form I-551), including a conditional one."
    ),
    UsPersonStatus.REFUGEE: (
        "You were admitted to the United States as a refugee (INA section 207), for example "
        "with an I-94 showing refugee admission."
    ),
    UsPersonStatus.ASYLEE: (
        "You were granted asylum in the United States (INA section 208). Having applied for "
        "asylum is not enough; it must have been granted."
    ),
    UsPersonStatus.NOT_US_PERSON: (
        "None of the above describes you. That is fine: many models are open to everyone, and "
        "your answer is recorded so we can tell you which ones you may use."
    ),
}


class DateInput(forms.DateInput):
    input_type = "date"


class CountrySelect(forms.Select):
    """Render a long list of options as one string instead of a template per option.

    Django renders each <option> through a template; for the ~250 countries,
    twice on the same page, that dominated the page's server time.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            format_html(
                '<option value="{}"{}>{}</option>',
                option,
                mark_safe(" selected") if str(option) in chosen else "",
                label,
            )
            for option, label in self.choices
        )
        multiple = mark_safe(" multiple") if self.allow_multiple_selected else ""
        return format_html(
            '<select name="{}"{}{}>{}</select>',
            name,
            flatatt(final),
            multiple,
            mark_safe(options),  # noqa: S308 - every part escaped by format_html above
        )


class CountryCheckboxes(forms.CheckboxSelectMultiple):
    """Every country as a checkbox, the United States first, in a scrolling box.

    Usable as it is (a list to tick, searchable with the browser's find); the
    page's script adds a filter box above it and a line saying what is ticked.
    Rendered as one string, like CountrySelect, for the same reason. The form
    template puts it in a fieldset whose legend is the field's label.
    """

    renders_group = True

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        # The error summary links here: the first checkbox (the United States).
        for code, _label in self.choices:
            return f"{id_}_{code}" if id_ else id_
        return id_

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        base_id = final.pop("id", f"id_{name}")
        # The fieldset around the boxes carries the hint (see idverify/form_fields.html).
        final.pop("aria-describedby", None)
        chosen = {str(v) for v in self.format_value(value)}
        boxes = "".join(
            format_html(
                '<div class="choice"><input type="checkbox" name="{}" value="{}" id="{}_{}"{}>'
                '<label for="{}_{}" class="inline-label">{}</label></div>',
                name,
                code,
                base_id,
                code,
                mark_safe(" checked") if str(code) in chosen else "",
                base_id,
                code,
                label,
            )
            for code, label in self.choices
        )
        return format_html(
            '<div class="country-list" id="{}" data-country-list>{}</div>',
            base_id,
            mark_safe(boxes),  # noqa: S308 - every part escaped by format_html above
        )


class IdentityForm(forms.Form):
    given_names = forms.CharField(
        label="Given names",
        required=False,
        max_length=200,
        help_text="All of them, as on your passport or other identity document. Leave empty "
        "if you have only one name.",
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label="Family name",
        max_length=200,
        help_text="Your surname, as on your identity document.",
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        help_text="For example 1985-03-27.",
        widget=DateInput(attrs={"autocomplete": "bday"}),
    )
    country_of_birth = forms.ChoiceField(
        label="Country of birth",
        choices=[("", "Choose a country"), *country_choices()],
        widget=CountrySelect,
    )
    citizenships = forms.MultipleChoiceField(
        label="Every country of which you are a citizen",
        required=False,
        choices=countries_united_states_first(),
        help_text="Tick each one (the United States is first). Leave them all unticked only "
        "if you are stateless.",
        widget=CountryCheckboxes,
    )

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        if value >= timezone.now().date():
            raise forms.ValidationError("Your date of birth must be in the past.")
        return value


class StatusForm(forms.Form):
    # Set when the chosen status does not fit the citizenships of step 1.
    citizenship_conflict = False

    status = forms.ChoiceField(
        label="Which of these describes you?",
        choices=UsPersonStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status that describes you."},
    )

    def options(self) -> list[dict[str, Any]]:
        """Each choice with its plain-language help, for the template."""
        current = self["status"].value()
        return [
            {
                "value": value,
                "label": label,
                "help": STATUS_HELP[value],
                "id": f"id_status_{index}",
                "checked": current == value,
            }
            for index, (value, label) in enumerate(UsPersonStatus.choices)
        ]


class DeclarationForm(forms.Form):
    declaration_version = forms.CharField(widget=forms.HiddenInput)
    signature_name = forms.CharField(
        label="Type your full name as your signature",
        max_length=400,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    perjury_acknowledged = forms.BooleanField(
        label="I declare under penalty of perjury that this attestation is true and complete.",
        error_messages={"required": "Confirm that you sign under penalty of perjury."},
    )

    def __init__(self, *args: Any, given_names: str = "", family_name: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.given_names, self.family_name = given_names, family_name

    def clean_signature_name(self) -> str:
        # Here, not only at signing: every problem of the page is reported in one round.
        value: str = self.cleaned_data["signature_name"]
        if problem := signature_error(
            signature_name=value, given_names=self.given_names, family_name=self.family_name
        ):
            raise forms.ValidationError(problem)
        return value


class DocumentForm(forms.Form):
    document_type = forms.ChoiceField(
        label="Kind of document",
        choices=[("", "Choose a kind of document"), *DocumentType.choices],
        error_messages={"required": "Choose the kind of document."},
    )
    file = forms.FileField(
        label="Photo or scan of the document",
        required=False,
        help_text="JPEG, PNG or PDF (its first page). For a passport, the photo page with the "
        "two lines of letters and < signs at the bottom. For a card, both sides in one picture: "
        "the front with your photo and the back with the three lines.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    mrz = forms.CharField(
        label="Machine-readable lines (optional)",
        required=False,
        help_text="The lines of capital letters, digits and < signs at the bottom of the photo "
        "page (2 lines on a passport, 3 on a card). Type them instead of, or as well as, "
        "uploading a photo.",
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "mrz-input",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page's script refuses a bigger file before sending it (the server checks too).
        self.fields["file"].widget.attrs["data-max-bytes"] = settings.IDV_DOCUMENT_MAX_BYTES

    def clean(self) -> dict[str, Any]:
        # Said with any other problem of the form, not in a second round (the service
        # checks it again).
        cleaned = super().clean() or {}
        if not cleaned.get("file") and not cleaned.get("mrz") and not self.has_error("file"):
            self.add_error(
                "file",
                "Upload a photo or scan of the document, or type its machine-readable lines.",
            )
        return cleaned


class MrzTypeForm(forms.Form):
    mrz = forms.CharField(
        label="Machine-readable lines",
        help_text="Each line on its own row, exactly as printed, including every < sign.",
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "mrz-input",
            }
        ),
    )
    name_confirmed = forms.BooleanField(label="", required=False)

    def __init__(self, *args: Any, attested_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "name_confirmed"
        ].label = f"The name on this document is {attested_name}, as in my attestation."
        self.fields["name_confirmed"].help_text = (
            "Leave this unticked if the name differs (for example after marriage): a "
            "compliance officer will look at it."
        )


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("", "Choose"), ("approve", "Approve"), ("reject", "Reject")],
    )
    reason = forms.ChoiceField(
        label="Reason", choices=[("", "Choose a reason"), *DocumentDecisionReason.choices]
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        help_text="Shown to the person with a rejection, and kept in the audit log. "
        "Required when the reason is “Other”.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
