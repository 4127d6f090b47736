from __future__ import annotations

from django.urls import path

from mosaic.panel import views

app_name = "panel"
urlpatterns = [
    path("", views.home, name="home"),
    path("security/", views.security, name="security"),
]
