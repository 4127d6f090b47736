from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("mosaic.web.urls")),
    path("", include("mosaic.policy.urls")),
    path("", include("mosaic.consent.urls")),
    path("", include("mosaic.transparency.urls")),
    path("", include("mosaic.moderation.urls")),
    path("", include("mosaic.comments.urls")),
    path("", include("mosaic.controller.urls")),
    path("", include("mosaic.billing.urls")),
    path("", include("mosaic.domains.urls")),
    path("panel/moderation/", include("mosaic.moderation.panel_urls")),
    path("panel/organization/", include("mosaic.organizations.panel_urls")),
    path("accounts/", include("allauth.urls")),
    path("panel/profile/", include("mosaic.profiles.panel_urls")),
    path("panel/", include("mosaic.panel.urls")),
    path("panel/instagram/", include("mosaic.integrations.instagram.urls")),
    path("instagram/", include("mosaic.integrations.instagram.meta_urls")),
    path("operators/", include("mosaic.operators.urls")),
    path("panel/sites/<int:site_id>/comments/", include("mosaic.comments.panel_urls")),
    path("panel/sites/", include("mosaic.websites.panel_urls")),
    path("_m/", include("mosaic.stats.urls")),
    path("panel/stats/", include("mosaic.stats.panel_urls")),
    path("", include("mosaic.discovery.urls")),
    path("panel/discovery/", include("mosaic.discovery.panel_urls")),
]

# Development serves the public photo variants itself (originals live outside MEDIA_ROOT, P05);
# production serves them from nginx or the CDN (docs/operations.md). static() is a no-op
# unless DEBUG is on.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# Published sites answer at /<slug>/: last, so no site can hide an application route.
urlpatterns += [path("", include("mosaic.websites.site_urls"))]

handler400 = "mosaic.web.views.bad_request"
