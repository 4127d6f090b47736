"""Mounted at ``/panel/stats/``."""

from __future__ import annotations

from django.urls import path

from mosaic.stats import panel_views

app_name = "stats_panel"
urlpatterns = [
    path("", panel_views.overview, name="overview"),
    path("<int:site_id>/", panel_views.site_stats, name="site"),
    path("<int:site_id>/csv/", panel_views.site_csv, name="csv"),
    path("my-visits/", panel_views.count_my_visits, name="count_my_visits"),
]
