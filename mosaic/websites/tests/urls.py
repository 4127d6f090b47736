"""The app's routes plus the public photo files, for browser tests (live_server runs without
DEBUG, so ``static()`` serves nothing; production serves them from nginx or the CDN)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import path
from django.views.static import serve

from mosaic.urls import urlpatterns as app_urlpatterns


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))  # read per test


urlpatterns = [path("media/<path:path>", media), *app_urlpatterns]
