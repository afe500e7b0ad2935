from __future__ import annotations

from django.urls import path

from screening import apis

urlpatterns = [
    path("screening/matches", apis.MatchListApi.as_view(), name="api-screening-matches"),
    path(
        "screening/matches/<str:match_id>/decision",
        apis.MatchDecisionApi.as_view(),
        name="api-screening-decision",
    ),
]
