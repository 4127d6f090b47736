from __future__ import annotations

from django.urls import path

from mosaic.moderation import views

app_name = "moderation"
urlpatterns = [
    path("report/<int:site_id>/", views.report, name="report"),
    path("report/appeal/<str:token>/", views.appeal_by_link, name="appeal_by_link"),
]
