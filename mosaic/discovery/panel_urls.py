"""The directory choices of a site, posted from the site editor (``/panel/sites/<id>/``)."""

from __future__ import annotations

from django.urls import path

from mosaic.discovery import panel_views

app_name = "discovery_panel"
urlpatterns = [
    path("<int:site_id>/", panel_views.save_choices, name="save"),
]
