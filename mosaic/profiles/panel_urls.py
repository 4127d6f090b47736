"""The owner's profile page at ``/panel/profile/``."""

from __future__ import annotations

from django.urls import path

from mosaic.profiles import panel_views

app_name = "profiles"
urlpatterns = [
    path("", panel_views.edit, name="edit"),
    path("name/", panel_views.save_display_name, name="display_name"),
    path("avatar/", panel_views.upload_avatar, name="avatar"),
    path("avatar/remove/", panel_views.remove_avatar, name="remove_avatar"),
]
