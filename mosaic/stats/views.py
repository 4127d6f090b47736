"""The counting endpoints, mounted at ``/_m/`` (the interface the site pages use).

- ``GET /_m/v/<site_id>.gif?p=<page path>&k=page|photo[&r=<referring host>]``: a view beacon.
  Pages embed it as ``<img src=... alt="" width="1" height="1">`` (``{% stats_pixel %}``), so
  counting needs no JavaScript and works for static pages served by nginx or hosted elsewhere.
  Answers a 1x1 transparent GIF, counted or not (the answer never tells which), 400 for a bad
  ``p`` or ``k``, 404 for an unknown site.
- ``GET /_m/c/<site_id>/<link_id>/``: a link-button click. Counts, then answers 302 to that
  link's own URL, and only when the link belongs to that site (404 otherwise): never an open
  redirect. Counting can fail (a full disk, Redis down); the visitor still reaches the link.

Both answer ``Cache-Control: no-store`` and never set a cookie: ``CountingPathMiddleware`` runs
them ahead of the session, CSRF, language and session-tracking middleware, and nothing here
logs the request (P12, P13, P30).
"""

from __future__ import annotations

import base64
import logging

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from mosaic.stats import services
from mosaic.stats.models import Kind
from mosaic.websites.models import SiteLink

logger = logging.getLogger(__name__)

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
VIEW_KINDS = (Kind.PAGE, Kind.PHOTO)


class LinkRedirect(HttpResponseRedirect):
    """A site's link buttons may be mailto: and tel: as well as http(s)."""

    allowed_schemes = ["http", "https", "mailto", "tel"]


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Robots-Tag"] = "noindex"
    # Set here because the middleware that usually does it is skipped; it lets the connection
    # stay open for the next request.
    response["Content-Length"] = str(len(response.content))
    return response


def _plain(status: int, message: str) -> HttpResponse:
    return _private(HttpResponse(message, status=status, content_type="text/plain; charset=utf-8"))


def _valid_path(path: str) -> bool:
    return (
        path.startswith("/")
        and len(path) <= services.MAX_PATH
        and path.isprintable()
        and "?" not in path
        and "#" not in path
    )


def view_beacon(request: HttpRequest, site_id: int) -> HttpResponse:
    kind = request.GET.get("k", Kind.PAGE)
    path = request.GET.get("p", "")
    if kind not in VIEW_KINDS or not _valid_path(path):
        return _plain(400, "Bad beacon: p must be a page path (/...) and k page or photo.")
    owner_id = services.owner_of(site_id)
    if owner_id is None:
        return _plain(404, "No such site.")
    if request.method == "HEAD":  # link checkers and prefetchers, not a page being shown
        return _private(HttpResponse(PIXEL, content_type="image/gif"))
    try:
        services.count_view(
            request=request, site_id=site_id, owner_id=owner_id, kind=kind, path=path
        )
    except Exception as exc:  # counting must never break a page; the request is not logged
        logger.warning("statistics: a view could not be buffered (%s)", type(exc).__name__)
    return _private(HttpResponse(PIXEL, content_type="image/gif"))


def link_click(request: HttpRequest, site_id: int, link_id: int) -> HttpResponse:
    link = (
        SiteLink.objects.filter(pk=link_id, site_id=site_id)
        .values_list("url", "site__owner_id")
        .first()
    )
    if link is None:
        return _plain(404, "No such link on this site.")
    url, owner_id = link
    try:
        target = LinkRedirect(url)
    except Exception:  # a scheme a link button may not have (the form refuses them too)
        return _plain(404, "No such link on this site.")
    if request.method == "HEAD":
        return _private(target)
    try:
        services.count_click(request=request, site_id=site_id, owner_id=owner_id, link_id=link_id)
    except Exception as exc:  # the visitor still reaches the link
        logger.warning("statistics: a click could not be buffered (%s)", type(exc).__name__)
    return _private(target)
