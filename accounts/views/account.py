"""The account page: profile, organisations and personal access tokens."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import ApiKeyCreateForm
from accounts.models import User
from accounts.selectors.api_keys import api_key_list
from accounts.selectors.users import is_privileged
from accounts.services import api_keys
from idverify.errors import DomainError
from idverify.forms import apply_domain_error


def _key_form(user: User, data: QueryDict | None = None) -> ApiKeyCreateForm:
    max_days = settings.IDV_PRIVILEGED_API_KEY_DAYS if is_privileged(user) else None
    return ApiKeyCreateForm(data, max_days=max_days)


def _render_account(
    request: HttpRequest, user: User, form: ApiKeyCreateForm, new_key: str | None = None
) -> HttpResponse:
    context = {
        "form": form,
        "api_keys": api_key_list(viewer=user),
        "memberships": user.memberships.select_related("organization"),
        "new_key": new_key,
        "now": timezone.now(),
    }
    return render(request, "accounts/account.html", context, status=400 if form.errors else 200)


@login_required
@never_cache
def account_view(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # noqa: S101 - login_required guarantees it
    return _render_account(request, request.user, _key_form(request.user))


@login_required
@never_cache
@require_POST
def api_key_create_view(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # noqa: S101
    form = _key_form(request.user, request.POST)
    if not form.is_valid():
        return _render_account(request, request.user, form)
    days = form.cleaned_data["expires_in_days"]
    try:
        created = api_keys.api_key_create(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
    except DomainError as error:
        apply_domain_error(form, error)
        return _render_account(request, request.user, form)
    # Shown in this response only (never_cache: no-store), not kept in the session.
    return _render_account(
        request, request.user, _key_form(request.user), new_key=created.plaintext
    )


@login_required
@require_POST
def api_key_revoke_view(request: HttpRequest, key_id: str) -> HttpResponse:
    assert isinstance(request.user, User)  # noqa: S101
    try:
        key = api_keys.api_key_revoke(user=request.user, key_public_id=key_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"The key “{key.name}” is revoked; programs using it are refused."
        )
    return redirect("account")
