"""The owner's Instagram pages, included at ``panel/instagram/``."""

from __future__ import annotations

from django.urls import path

from mosaic.integrations.instagram import views

app_name = "instagram"
urlpatterns = [
    path("", views.panel, name="panel"),
    path("connect/", views.connect, name="connect"),
    path("callback/", views.callback, name="callback"),
    path("disconnect/", views.disconnect, name="disconnect"),
    path("sync/", views.sync_now, name="sync"),
    path("upload/", views.upload, name="upload"),
    path("progress/", views.progress, name="progress"),
]
