"""The officers' screening review pages: the potential-match queue and one match.

Anyone but a compliance officer gets "not found", as for the console: the selectors
refuse them (``PermissionDenied``, a 403 on the API), and these pages hide even that.
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
from django.views.decorators.http import require_http_methods

from accounts.models import User
from idverify.errors import DomainError, NotFound, PermissionDenied
from idverify.forms import apply_domain_error
from screening.forms import MatchDecisionForm, MatchFilterForm
from screening.models import ScreeningState
from screening.selectors import match_get, match_list, rescreen_progress
from screening.services.review import match_decide

View = Callable[..., HttpResponse]


def _officer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    return user


def _hidden_from_others(view: View) -> View:
    """The selectors' refusal of a non-officer becomes "not found": the page does not exist
    for them. Every other error is answered by the page mapping (idverify.page_errors)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            raise NotFound from None

    return wrapped


@login_required
@never_cache
@require_http_methods(["GET"])
@_hidden_from_others
def match_queue_view(request: HttpRequest) -> HttpResponse:
    form = MatchFilterForm(request.GET or {"status": "pending"})
    filters = form.cleaned_data if form.is_valid() else {"status": "pending"}
    matches = match_list(
        viewer=_officer(request),
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        search=filters.get("q", ""),
    )
    state = ScreeningState.objects.filter(pk=1).first()
    context = {
        "form": form,
        "matches": list(matches[:200]),
        "total": matches.count(),
        "list_version": state.version if state else "",
        "rescreen": rescreen_progress(),
    }
    return render(request, "screening/queue.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@_hidden_from_others
def match_detail_view(request: HttpRequest, match_id: str) -> HttpResponse:
    officer = _officer(request)
    match = match_get(viewer=officer, public_id=match_id)
    form = MatchDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            match_decide(officer=officer, match_id=match.public_id, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Decision recorded and audited.")
            return redirect("screening-queue")
    entry = match.entry_data
    context = {
        "match": match,
        "entry": entry,
        "subject": match.subject_data,
        "features": sorted(match.features.items()),
        "form": form,
        "own": match.user_id == officer.pk,
    }
    return render(request, "screening/detail.html", context, status=400 if form.errors else 200)
