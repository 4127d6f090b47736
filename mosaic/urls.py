from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("mosaic.web.urls")),
    path("accounts/", include("allauth.urls")),
    path("panel/", include("mosaic.panel.urls")),
    path("panel/instagram/", include("mosaic.integrations.instagram.urls")),
    path("instagram/", include("mosaic.integrations.instagram.meta_urls")),
    path("_m/", include("mosaic.stats.urls")),
    path("panel/stats/", include("mosaic.stats.panel_urls")),
]

# Development serves the public photo variants itself (originals live outside MEDIA_ROOT, P05);
# production serves them from nginx or the CDN (docs/operations.md). static() is a no-op
# unless DEBUG is on.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "mosaic.web.views.bad_request"
