from __future__ import annotations

from django.urls import path

from mosaic.moderation import panel_views

app_name = "moderation_panel"
urlpatterns = [
    path("", panel_views.decisions, name="decisions"),
    path("<int:pk>/appeal/", panel_views.appeal_decision, name="appeal"),
]
