"""Mounted at ``/_m/`` (see ``views`` for the interface)."""

from __future__ import annotations

from django.urls import path

from mosaic.stats import views

app_name = "stats"
urlpatterns = [
    path("v/<int:site_id>.gif", views.view_beacon, name="view"),
    path("c/<int:site_id>/<int:link_id>/", views.link_click, name="click"),
]
