"""Mounted at ``/_m/`` (see ``endpoints`` for the interface). The patterns give ``reverse`` the
endpoints' addresses; requests to them are answered before URL resolving
(``endpoints.CountingFirst``, ``middleware.CountingPathMiddleware``)."""

from __future__ import annotations

from django.urls import path

from mosaic.stats.endpoints import counting_view

app_name = "stats"
urlpatterns = [
    path("v/<int:site_id>.gif", counting_view, name="view"),
    path("c/<int:site_id>/<str:key>/", counting_view, name="click"),
]
