from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("mosaic.web.urls")),
    path("accounts/", include("allauth.urls")),
    path("panel/", include("mosaic.panel.urls")),
    path("panel/instagram/", include("mosaic.integrations.instagram.urls")),
    path("instagram/", include("mosaic.integrations.instagram.meta_urls")),
]

handler400 = "mosaic.web.views.bad_request"
