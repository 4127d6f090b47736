"""What search engines read at the host's root: ``/robots.txt`` and ``/sitemap.xml``.

Each published site has its own ``sitemap.xml`` in its build; crawlers only look at the root of
a host, so the root sitemap is an index of those, for public sites whose owner allows indexing
(P21). Unlisted and private sites are never named anywhere a crawler reads (P31): they are kept
out of search by their ``noindex`` header and tag, not by a robots rule that would reveal them.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from mosaic.websites.models import Site

SITEMAP_INDEX_LIMIT = 50_000  # the sitemaps protocol's limit per index file

#: Application routes no crawler needs (the panel, sign-in pages, counting, operators).
PRIVATE_ROUTES = ("/panel/", "/accounts/", "/operators/", "/_m/", "/dev/", "/instagram/")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {route}" for route in PRIVATE_ROUTES)]
    lines.append(f"Sitemap: {settings.SITE_URL}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    sites = (
        Site.objects.indexable()
        .order_by("pk")
        .values_list("slug", "published_at")[:SITEMAP_INDEX_LIMIT]
    )
    body = render_to_string(
        "websites/sitemap_index.xml", {"sites": sites, "base": settings.SITE_URL}
    )
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
