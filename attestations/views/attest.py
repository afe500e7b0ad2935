"""The attestation, in three steps: who you are, your status, the declaration and signature.

Answers are kept in the session until signing, so Back and Forward (the
links and the browser's) show what was entered. No JavaScript is needed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.selectors.users import request_user
from attestations.countries import country_name
from attestations.forms import STATUS_HELP, DeclarationForm, IdentityForm, StatusForm
from attestations.models import UsPersonStatus
from attestations.selectors import attestation_current, declaration_current
from attestations.services import attestation_submit
from attestations.services.attestation import status_errors
from geo.selectors import request_signals
from idverify.errors import DomainError
from idverify.forms import apply_domain_error

SESSION_KEY = "attestation_draft"
STEPS = ("identity", "status", "declaration")
TITLES = {
    "identity": "About you",
    "status": "Your status",
    "declaration": "Declaration and signature",
}


def _draft(request: HttpRequest) -> dict[str, dict[str, Any]]:
    draft = request.session.get(SESSION_KEY)
    return draft if isinstance(draft, dict) else {}


def _save(request: HttpRequest, step: str, data: dict[str, Any]) -> None:
    draft = _draft(request)
    draft[step] = data
    request.session[SESSION_KEY] = draft


def _first_missing(draft: dict[str, dict[str, Any]], step: str) -> str | None:
    for earlier in STEPS[: STEPS.index(step)]:
        if earlier not in draft:
            return earlier
    return None


def _initial_identity(request: HttpRequest) -> dict[str, Any]:
    """Renewal starts from the current answers."""
    current = attestation_current(user=request_user(request))
    if current is None:
        return {}
    return {
        "given_names": current.given_names,
        "family_name": current.family_name,
        "date_of_birth": current.date_of_birth.isoformat(),
        "country_of_birth": current.country_of_birth,
        "citizenships": list(current.citizenships),
    }


def _render(request: HttpRequest, step: str, form: forms.Form, **extra: Any) -> HttpResponse:
    index = STEPS.index(step)
    context = {
        "form": form,
        "step": step,
        "step_number": index + 1,
        "step_count": len(STEPS),
        "title": TITLES[step],
        "previous": STEPS[index - 1] if index else None,
        **extra,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, f"attestations/attest_{step}.html", context, status=status)


@login_required
def attest_start_view(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("attest-step", step="identity")


def _summary(draft: dict[str, dict[str, Any]]) -> dict[str, Any]:
    identity, status = draft["identity"], draft["status"]["status"]
    return {
        "name": f"{identity['given_names']} {identity['family_name']}".strip(),
        "date_of_birth": identity["date_of_birth"],
        "country_of_birth": country_name(identity["country_of_birth"]),
        "citizenships": [country_name(code) for code in identity["citizenships"]]
        or ["none (stateless)"],
        "status": UsPersonStatus(status).label,
        "status_help": STATUS_HELP[status],
    }


def _check_status_fits_citizenships(form: StatusForm, identity: dict[str, Any]) -> None:
    """Said on this step, where it can be put right, not at the signature two steps on."""
    status = form.cleaned_data["status"]
    errors = status_errors(status=status, citizenships=identity["citizenships"])
    if "citizenships" in errors:
        form.add_error(
            "status",
            f"You chose “{UsPersonStatus(status).label}”, but the United States is not among "
            "the citizenships you gave. Add it on the previous step, or choose the status "
            "that describes you.",
        )
    for message in errors.get("status", []):
        form.add_error("status", message)
    form.citizenship_conflict = bool(errors)


def _sign(
    request: HttpRequest, draft: dict[str, dict[str, Any]], form: DeclarationForm
) -> HttpResponse | None:
    identity = draft["identity"]
    user = request_user(request)
    try:
        attestation = attestation_submit(
            user=user,
            status=draft["status"]["status"],
            given_names=identity["given_names"],
            family_name=identity["family_name"],
            date_of_birth=dt.date.fromisoformat(identity["date_of_birth"]),
            country_of_birth=identity["country_of_birth"],
            citizenships=identity["citizenships"],
            declaration_version=form.cleaned_data["declaration_version"],
            signature_name=form.cleaned_data["signature_name"],
            perjury_acknowledged=form.cleaned_data["perjury_acknowledged"],
            request_signals=request_signals(request),
        )
    except DomainError as error:
        apply_domain_error(form, error)
        return None
    request.session.pop(SESSION_KEY, None)
    if attestation.status == UsPersonStatus.NOT_US_PERSON:
        messages.success(request, "Thank you. Your attestation is signed and recorded.")
    else:
        messages.success(request, "Your attestation is signed.")
    return redirect("verification-status")


@login_required
@never_cache
@sensitive_post_parameters("signature_name")
def attest_step_view(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEPS:
        return redirect("attest-step", step="identity")
    draft = _draft(request)
    missing = _first_missing(draft, step)
    if missing:
        return redirect("attest-step", step=missing)
    # Bound on every POST, even one with no field at all (no status chosen).
    posted = request.POST if request.method == "POST" else None
    if step == "identity":
        form: forms.Form = IdentityForm(
            posted, initial=draft.get("identity") or _initial_identity(request)
        )
    elif step == "status":
        form = StatusForm(posted, initial=draft.get("status"))
        if request.method == "POST" and form.is_valid():
            _check_status_fits_citizenships(form, draft["identity"])
    else:
        declaration = declaration_current()
        form = DeclarationForm(
            posted,
            initial={"declaration_version": declaration.version},
            given_names=draft["identity"]["given_names"],
            family_name=draft["identity"]["family_name"],
        )
        extra = {"declaration": declaration, "summary": _summary(draft)}
        if request.method == "POST" and form.is_valid():
            response = _sign(request, draft, form)
            if response is not None:
                return response
        return _render(request, step, form, **extra)

    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if step == "identity":
            data["date_of_birth"] = data["date_of_birth"].isoformat()
        _save(request, step, data)
        return redirect("attest-step", step=STEPS[STEPS.index(step) + 1])
    return _render(request, step, form)
