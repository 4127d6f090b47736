"""Published sites at ``/<slug>/``: mounted last, after every application route."""

from __future__ import annotations

from django.urls import path

from mosaic.websites import serving

urlpatterns = [
    path("<slug:slug>/", serving.serve, name="site"),
    path("<slug:slug>/<path:path>", serving.serve, name="site_file"),
]
