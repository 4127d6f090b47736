from __future__ import annotations

from django.urls import path, re_path

from mosaic.policy import views

app_name = "policy"
urlpatterns = [
    path("privacy/", views.policy_page, {"kind": "privacy"}, name="privacy"),
    path("terms/", views.policy_page, {"kind": "terms"}, name="terms"),
    re_path(r"^(?P<kind>privacy|terms)/versions/$", views.versions, name="versions"),
    re_path(
        r"^(?P<kind>privacy|terms)/versions/(?P<number>[0-9]{1,6})/$",
        views.version,
        name="version",
    ),
]
