from __future__ import annotations

from django.urls import path, re_path

from mosaic.transparency import views

app_name = "transparency"
urlpatterns = [
    path("transparency/", views.report, name="report"),
    re_path(r"^transparency/(?P<period>[0-9]{4}-h[12])/$", views.report, name="period"),
]
