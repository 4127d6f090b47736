from __future__ import annotations

from django.urls import path

from mosaic.domains import views

app_name = "domains"
urlpatterns = [
    path("domains/", views.domains, name="list"),
    path("domains/<int:site_id>/", views.set_domain, name="set"),
    path("domains/<int:site_id>/check/", views.check, name="check"),
    path("domains/<int:site_id>/remove/", views.remove, name="remove"),
    path("_domains/ask/", views.ask, name="ask"),
]
