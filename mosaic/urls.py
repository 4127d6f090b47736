from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("mosaic.web.urls")),
    path("accounts/", include("allauth.urls")),
    path("panel/", include("mosaic.panel.urls")),
]

handler400 = "mosaic.web.views.bad_request"
