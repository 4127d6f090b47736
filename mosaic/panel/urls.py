from __future__ import annotations

from django.urls import path

from mosaic.panel import data_views, views

app_name = "panel"
urlpatterns = [
    path("", views.home, name="home"),
    path("security/", views.security, name="security"),
    path("data/", data_views.your_data, name="your_data"),
    path("data/delete-account/", data_views.delete_account, name="delete_account"),
    path("restore/", data_views.restore, name="restore"),
]
