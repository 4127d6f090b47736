"""The counting endpoints, mounted at ``/_m/`` (the interface the site pages use).

- ``GET /_m/v/<site_id>.gif?p=<page path>&k=page|photo[&r=<referring host>]``: a view beacon.
  Pages embed it as ``<img src=... alt="" width="1" height="1">`` (``{% stats_pixel %}``), so
  counting needs no JavaScript and works for static pages served by nginx or hosted elsewhere.
  Answers a 1x1 transparent GIF, counted or not (the answer never tells which), 400 for a bad
  ``p`` or ``k``, 404 for an unknown site. Counted only for a page of the site's published
  build, on a site anyone may see (``SiteFacts.counts_page``): a forged path is answered, not
  counted.
- ``GET /_m/c/<site_id>/<key>/``: a link-button click, by the link's random key (P31: one
  link's address tells nothing of another's). Counts, then answers 302 to that link's URL *as
  published* (what the visitor clicked), only when the site's published page has that link:
  404 otherwise, and for a private site to anyone but its owner; 410 for a deleted site or an
  account in quarantine. Never an open redirect. Counting can fail (a full disk, Redis down);
  the visitor still reaches the link.

Both answer ``Cache-Control: no-store``, never set a cookie and log nothing about the request
(P12, P13, P30).

A beacon comes with every page view, so ``answer`` works on the WSGI environ alone: no request
object, no middleware, no URL resolving. ``mosaic.wsgi`` calls it ahead of Django for every
``/_m/`` request (``CountingFirst``); ``CountingPathMiddleware`` and the URL patterns call it
with ``request.META`` (the same environ) for what reaches Django another way, such as the test
client. Either way the same code decides and the same bytes go out.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie
from django.utils.encoding import iri_to_uri

from mosaic.stats import services, visitors
from mosaic.stats.models import Kind

logger = logging.getLogger(__name__)

PREFIX = "/_m/"
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
VIEW_KINDS = frozenset({Kind.PAGE.value, Kind.PHOTO.value})
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # what a link button may be
_VIEW = re.compile(r"/_m/v/([0-9]{1,18})\.gif")
_CLICK = re.compile(r"/_m/c/([0-9]{1,18})/([A-Za-z0-9_-]{16,32})/")
_PRIVATE = (
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Robots-Tag", "noindex"),
)

Environ = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    location: str = ""

    @property
    def status_line(self) -> str:
        return f"{self.status} {HTTPStatus(self.status).phrase}"

    def headers(self) -> list[tuple[str, str]]:
        headers = [
            ("Content-Type", self.content_type),
            ("Content-Length", str(len(self.body))),
            *_PRIVATE,
        ]
        if self.location:
            headers.append(("Location", self.location))
        if self.status == HTTPStatus.METHOD_NOT_ALLOWED:
            headers.append(("Allow", "GET, HEAD"))
        return headers


def _plain(status: int, message: str) -> Answer:
    return Answer(status, message.encode())


GIF = Answer(200, PIXEL, "image/gif")
NOT_FOUND = _plain(404, "Not found.")
NO_SUCH_SITE = _plain(404, "No such site.")
NO_SUCH_LINK = _plain(404, "No such link on this site.")
SITE_GONE = _plain(410, "This site is no longer online.")
BAD_BEACON = _plain(400, "Bad beacon: p must be a page path (/...) and k page or photo.")


def answer(environ: Environ) -> Answer:
    """The answer to one ``/_m/`` request, counting it when it may be counted (P12)."""
    path = environ.get("PATH_INFO", "")
    view = _VIEW.fullmatch(path)
    click = None if view else _CLICK.fullmatch(path)
    if view is None and click is None:
        return NOT_FOUND
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return _plain(405, "Method not allowed.")
    if view is not None:
        return _view(environ, int(view[1]))
    assert click is not None
    return _click(environ, int(click[1]), click[2])


def _query(environ: Environ) -> dict[str, str]:
    """The first value of each parameter; {} for a query no beacon would send."""
    raw = environ.get("QUERY_STRING", "")
    if not raw:
        return {}
    try:  # WSGI passes the raw bytes as latin-1; browsers send UTF-8
        text = raw.encode("latin-1").decode("utf-8", "replace")
        return {key: values[0] for key, values in parse_qs(text, max_num_fields=10).items()}
    except (UnicodeEncodeError, ValueError):
        return {}


def _valid_path(path: str) -> bool:
    return (
        path.startswith("/")
        and len(path) <= services.MAX_PATH
        and path.isprintable()
        and "?" not in path
        and "#" not in path
    )


def _view(environ: Environ, site_id: int) -> Answer:
    query = _query(environ)
    kind = query.get("k", Kind.PAGE.value)
    page = query.get("p", "")
    if kind not in VIEW_KINDS or not _valid_path(page):
        return BAD_BEACON
    site = services.site_facts(site_id)
    if site is None:
        return NO_SUCH_SITE
    if environ.get("REQUEST_METHOD") != "GET":  # HEAD: link checkers and prefetchers
        return GIF
    if not site.counts_page(page):  # perhaps a build newer than the remembered one
        site = services.site_facts(site_id, fresh=True)
        if site is None or not site.counts_page(page):
            return GIF
    _count(environ, query, site_id=site_id, owner_id=site.owner_id, kind=kind, path=page)
    return GIF


def _click(environ: Environ, site_id: int, key: str) -> Answer:
    site = services.site_facts(site_id, fresh=True)
    if site is None or not site.published:
        return NO_SUCH_LINK
    if site.offline:
        return SITE_GONE
    if site.private and not visitors.is_owner(_cookies(environ), site.owner_id):
        return NO_SUCH_LINK
    found = site.links.get(key)
    location = _safe_location(found[1]) if found else None
    if found is None or location is None:
        return NO_SUCH_LINK
    if environ.get("REQUEST_METHOD") == "GET":
        kind = Kind.CLICK.value
        _count(
            environ, _query(environ), site_id=site_id, owner_id=site.owner_id, kind=kind,
            link=found[0],
        )  # fmt: skip
    return Answer(302, b"", location=location)


def _cookies(environ: Environ) -> dict[str, str]:
    raw = environ.get("HTTP_COOKIE", "")
    return parse_cookie(raw) if raw else {}


def _safe_location(url: str) -> str | None:
    """The link as a header value, or None for a scheme a link button may not have (the form
    refuses them too) or anything that could break out of the header."""
    location = iri_to_uri(url)
    if not location.isascii() or not location.isprintable() or " " in location:
        return None
    try:
        scheme = urlsplit(location).scheme.lower()
    except ValueError:
        return None
    return location if scheme in LINK_SCHEMES else None


def _count(environ: Environ, query: Mapping[str, str], **event: Any) -> None:
    try:
        services.count(environ, referrer=query.get("r", ""), **event)
    except Exception as exc:  # counting never breaks a page or a click; the request isn't logged
        logger.warning("statistics: an event could not be buffered (%s)", type(exc).__name__)


# --- serving --------------------------------------------------------------------------------

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class CountingFirst:
    """WSGI middleware: ``/_m/`` is answered here, everything else by Django (``app``)."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith(PREFIX):
            return self.app(environ, start_response)
        try:
            result = answer(environ)
        except Exception as exc:  # a lookup failed (the database is down, say)
            logger.error("statistics: the counting endpoint failed (%s)", type(exc).__name__)
            result = _plain(503, "Counting is unavailable; try again later.")
        finally:  # what Django does when its own request ends (closes old connections)
            request_finished.send(sender=self.__class__)
        start_response(result.status_line, result.headers())
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [result.body]


def as_response(result: Answer) -> HttpResponse:
    return HttpResponse(result.body, status=result.status, headers=dict(result.headers()))


def counting_view(request: HttpRequest, **_ids: int) -> HttpResponse:
    """The URL patterns' view (``reverse`` names the endpoints through them)."""
    return as_response(answer(request.META))
