"""Serving a site on its custom domain, through the same views and rules as ``/<slug>/``."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.http.request import validate_host

from mosaic.domains.models import CustomDomain
from mosaic.domains.services import site_for_host

#: Paths a site's pages use that are not the site's own (counting, the report form, assets).
PASSTHROUGH = ("/_m/", "/report/", "/static/", "/media/")


def _host(request: HttpRequest) -> str:
    header = "HTTP_X_FORWARDED_HOST" if settings.USE_X_FORWARDED_HOST else "HTTP_HOST"
    raw = request.META.get(header) or request.META.get("HTTP_HOST", "")
    raw = raw.split(",")[-1].strip().lower()
    if raw.startswith("["):
        return raw  # an IPv6 literal is never a custom domain
    return raw.rsplit(":", 1)[0] if ":" in raw else raw


class CustomDomainMiddleware:
    """A request for a custom domain's host becomes a request for its site at ``/<slug>/``
    on Mosaic's own host, so every rule of the public site applies unchanged (visibility,
    private sites, counting, cache headers). Mosaic's own hosts (``ALLOWED_HOSTS``) cost no
    query. A domain known to Mosaic but not serving (unverified, plan ended, site offline)
    gets 404, never the application; any other host is left to ``ALLOWED_HOSTS``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = _host(request)
        own = [h for h in settings.ALLOWED_HOSTS if h != "*"]
        own.append(urlsplit(settings.SITE_URL).hostname or "")
        if not host or host.startswith("[") or validate_host(host, own):
            return self.get_response(request)
        site = site_for_host(host)
        if site is None:
            if CustomDomain.objects.filter(domain=host).exists():
                return HttpResponseNotFound(
                    "This domain is not served by Mosaic.",
                    content_type="text/plain; charset=utf-8",
                )
            return self.get_response(request)
        request.META["HTTP_HOST"] = urlsplit(settings.SITE_URL).netloc
        request.META.pop("HTTP_X_FORWARDED_HOST", None)
        path = request.path_info
        if not (path.startswith(f"/{site.slug}/") or path.startswith(PASSTHROUGH)):
            request.path_info = f"/{site.slug}{path}"
        return self.get_response(request)
