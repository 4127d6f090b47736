"""Meta's server-to-server callbacks and the public deletion status page, at ``instagram/``."""

from __future__ import annotations

from django.urls import path

from mosaic.integrations.instagram import views

app_name = "instagram_meta"
urlpatterns = [
    path("deauthorize/", views.deauthorize, name="deauthorize"),
    path("data-deletion/", views.data_deletion, name="data_deletion"),
    path("data-deletion/<str:code>/", views.deletion_status, name="deletion_status"),
]
