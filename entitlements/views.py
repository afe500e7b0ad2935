"""The compliance console: directives, decision counts, people and their tokens.

Officers only; anyone else gets "not found", as if the pages did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.selectors.organizations import organization_awaiting_verification_count
from accounts.selectors.users import is_compliance_officer
from attestations.selectors import review_queue
from entitlements import selectors
from entitlements.forms import (
    DirectiveConfirmForm,
    DirectiveForm,
    ReasonForm,
    TierCreateForm,
    TierForm,
    UserSearchForm,
)
from entitlements.models import DirectiveState, ModelTier
from entitlements.services import revocations
from entitlements.services.tiers import (
    REQUIREMENT_FIELDS,
    tier_create,
    tier_directive_set,
    tier_update,
)
from idverify.errors import DomainError, NotFound
from idverify.forms import apply_domain_error

View = Callable[..., HttpResponse]


def officer_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not isinstance(request.user, User) or not is_compliance_officer(request.user):
            raise NotFound
        return view(request, request.user, *args, **kwargs)

    return login_required(never_cache(wrapped))


@require_GET
@officer_required
def console_view(request: HttpRequest, officer: User) -> HttpResponse:
    context = {
        "documents_waiting": review_queue(viewer=officer).count(),
        "organisations_waiting": organization_awaiting_verification_count(viewer=officer),
        "tiers": selectors.tier_list_for_console(viewer=officer),
        "summary": selectors.decision_summary(viewer=officer),
        "search_form": UserSearchForm(),
    }
    return render(request, "entitlements/console.html", context)


@require_http_methods(["GET", "POST"])
@officer_required
def directive_change_view(request: HttpRequest, officer: User, slug: str) -> HttpResponse:
    tier = selectors.tier_get_for_console(viewer=officer, slug=slug)
    if request.method == "GET":
        form = DirectiveForm(initial={"state": tier.directive_state})
        return render(request, "entitlements/directive.html", {"tier": tier, "form": form})
    if "confirmed" not in request.POST:
        form = DirectiveForm(request.POST)
        if not form.is_valid():
            return render(
                request, "entitlements/directive.html", {"tier": tier, "form": form}, status=400
            )
        context = {
            "tier": tier,
            "form": DirectiveConfirmForm(initial=form.cleaned_data),
            "new_state": DirectiveState(form.cleaned_data["state"]),
            "reason": form.cleaned_data["reason"],
        }
        return render(request, "entitlements/directive_confirm.html", context)
    confirmed = DirectiveConfirmForm(request.POST)
    if not confirmed.is_valid():
        form = DirectiveForm(request.POST)
        form.is_valid()
        return render(
            request, "entitlements/directive.html", {"tier": tier, "form": form}, status=400
        )
    try:
        updated = tier_directive_set(actor=officer, slug=tier.slug, **confirmed.cleaned_data)
    except DomainError as error:
        form = DirectiveForm(request.POST)
        form.is_valid()
        apply_domain_error(form, error)
        return render(
            request, "entitlements/directive.html", {"tier": tier, "form": form}, status=400
        )
    messages.success(
        request,
        f"{updated.name} is now “{updated.get_directive_state_display()}” (epoch "
        f"{updated.epoch}). Verifiers reject its older tokens within seconds.",
    )
    return redirect("console")


def _render_tier_form(
    request: HttpRequest, form: TierForm, tier: ModelTier | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "entitlements/tier_form.html", {"form": form, "tier": tier}, status=status
    )


@require_http_methods(["GET", "POST"])
@officer_required
def tier_new_view(request: HttpRequest, officer: User) -> HttpResponse:
    if request.method == "GET":
        initial = {"min_level": 2, "us_person_required": True, "block_embargoed_places": True}
        return _render_tier_form(request, TierCreateForm(initial=initial), None)
    form = TierCreateForm(request.POST)
    if form.is_valid():
        try:
            tier = tier_create(actor=officer, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"{tier.name} ({tier.slug}) is created and published.")
            return redirect("console")
    return _render_tier_form(request, form, None, status=400)


@require_http_methods(["GET", "POST"])
@officer_required
def tier_edit_view(request: HttpRequest, officer: User, slug: str) -> HttpResponse:
    tier = selectors.tier_get_for_console(viewer=officer, slug=slug)
    if request.method == "GET":
        initial: dict[str, Any] = {name: getattr(tier, name) for name in REQUIREMENT_FIELDS}
        initial["blocked_places"] = ", ".join(tier.blocked_places)
        return _render_tier_form(request, TierForm(initial=initial), tier)
    form = TierForm(request.POST)
    if form.is_valid():
        try:
            updated = tier_update(actor=officer, slug=tier.slug, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                f"{updated.name}'s requirements are saved; they apply to tokens issued from "
                "now on, and tokens whose holders no longer meet them are revoked.",
            )
            return redirect("console")
    return _render_tier_form(request, form, tier, status=400)


@require_GET
@officer_required
def user_search_view(request: HttpRequest, officer: User) -> HttpResponse:
    form = UserSearchForm(request.GET)
    results = selectors.user_search(viewer=officer, query=form.data.get("q", ""))
    status = 200 if form.is_valid() else 400
    return render(
        request,
        "entitlements/user_search.html",
        {"search_form": form, "results": results},
        status=status,
    )


def _render_user(
    request: HttpRequest,
    officer: User,
    public_id: str,
    *,
    forms: dict[str, ReasonForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    overview = selectors.user_overview(viewer=officer, public_id=public_id)
    forms = forms or {}
    tokens = [
        (token, forms.get(str(token.jti)) or ReasonForm(prefix=f"t-{token.jti}"))
        for token in overview.live_tokens
    ]
    context = {
        "overview": overview,
        "tokens": tokens,
        "revoke_form": forms.get("revoke") or ReasonForm(prefix="revoke"),
        "restore_form": forms.get("restore") or ReasonForm(prefix="restore"),
    }
    return render(request, "entitlements/user.html", context, status=status)


@require_GET
@officer_required
def user_detail_view(request: HttpRequest, officer: User, public_id: str) -> HttpResponse:
    return _render_user(request, officer, public_id)


def _act(
    request: HttpRequest,
    officer: User,
    public_id: str,
    *,
    form_key: str,
    act: Callable[[str], str],
) -> HttpResponse:
    prefix = form_key if form_key in ("revoke", "restore") else f"t-{form_key}"
    form = ReasonForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            done = act(form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, done)
            return redirect("console-user", public_id=public_id)
    return _render_user(request, officer, public_id, forms={form_key: form}, status=400)


@require_POST
@officer_required
def user_revoke_view(request: HttpRequest, officer: User, public_id: str) -> HttpResponse:
    user = selectors.user_overview(viewer=officer, public_id=public_id).user

    def act(reason: str) -> str:
        revocations.user_revoke(actor=officer, user=user, reason=reason)
        return f"{user.email}'s tokens are revoked and new ones are refused until restored."

    return _act(request, officer, public_id, form_key="revoke", act=act)


@require_POST
@officer_required
def user_restore_view(request: HttpRequest, officer: User, public_id: str) -> HttpResponse:
    user = selectors.user_overview(viewer=officer, public_id=public_id).user

    def act(reason: str) -> str:
        revocations.user_revocation_lift(actor=officer, user=user, reason=reason)
        return f"{user.email} may ask for tokens again."

    return _act(request, officer, public_id, form_key="restore", act=act)


@require_POST
@officer_required
def token_revoke_view(
    request: HttpRequest, officer: User, public_id: str, jti: str
) -> HttpResponse:
    overview = selectors.user_overview(viewer=officer, public_id=public_id)
    if not any(str(token.jti) == jti for token in overview.live_tokens):
        raise NotFound("That token is not live for this person.")

    def act(reason: str) -> str:
        revocations.token_revoke(actor=officer, jti=jti, reason=reason)
        return f"Token {jti} is revoked; verifiers reject it within seconds."

    return _act(request, officer, public_id, form_key=jti, act=act)
