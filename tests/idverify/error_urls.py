"""The site's URLs plus one that fails, to see the 500 page as a person would."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from idverify.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), *urlpatterns]
