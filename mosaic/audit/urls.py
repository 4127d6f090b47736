from __future__ import annotations

from django.urls import path

from mosaic.audit import views

app_name = "audit"
urlpatterns = [path("", views.last_result, name="last_result")]
