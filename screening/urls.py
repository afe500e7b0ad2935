from __future__ import annotations

from django.urls import path

from screening import views

urlpatterns = [
    path("screening/review/", views.match_queue, name="screening-queue"),
    path("screening/review/<str:match_id>/", views.match_detail, name="screening-match"),
]
