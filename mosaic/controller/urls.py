from __future__ import annotations

from django.urls import path

from mosaic.controller import views

app_name = "controller"
urlpatterns = [path("change-of-control/", views.changes, name="changes")]
