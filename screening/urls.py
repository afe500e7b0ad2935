from __future__ import annotations

from django.urls import path

from screening import views

urlpatterns = [
    path("screening/review/", views.match_queue_view, name="screening-queue"),
    path("screening/review/<str:match_id>/", views.match_detail_view, name="screening-match"),
]
