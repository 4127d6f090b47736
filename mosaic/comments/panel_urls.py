"""Mounted at ``/panel/sites/<site_id>/comments/``."""

from __future__ import annotations

from django.urls import path

from mosaic.comments import panel_views as views

app_name = "comments_panel"
urlpatterns = [
    path("", views.moderation, name="moderation"),
    path("settings/", views.save_mode, name="mode"),
    path("<int:comment_id>/<slug:action>/", views.act, name="act"),
    path("blocked/<int:commenter_id>/unblock/", views.unblock, name="unblock"),
]
