from __future__ import annotations

from django.urls import path

from mosaic.panel import data_views, views

app_name = "panel"
urlpatterns = [
    path("", views.home, name="home"),
    path("security/", views.security, name="security"),
    path("data/", data_views.your_data, name="your_data"),
    path("data/profile/", data_views.edit_profile, name="edit_profile"),
    path("data/correction/", data_views.request_correction, name="request_correction"),
    path("data/delete-account/", data_views.delete_account, name="delete_account"),
    path("data/export/", data_views.request_data_export, name="request_data_export"),
    path("data/export/<uuid:export_id>/", data_views.data_export, name="data_export"),
    path(
        "data/export/<uuid:export_id>/download/",
        data_views.download_data_export,
        name="download_data_export",
    ),
    path("restore/", data_views.restore, name="restore"),
]
