"""Serving published sites at ``/<slug>/`` (the default ``make run``; nginx can serve the files of
public sites directly, see docs/operations.md).

- Hashed assets are cached for a year; pages carry an ETag and are revalidated (304).
- P31: a private site (pages and images) answers only its owner; everyone else gets 404. A
  site's ``_media/`` route hands out only the files its published pages show (the owner: any of
  theirs); ``/_media/`` hands the owner their own files (``websites.exposure``).
- P21: unlisted, private and hidden-from-search sites send ``X-Robots-Tag: noindex``.
- P07, P08: a deleted site, or one whose account is in quarantine, answers 410.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponsePermanentRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from mosaic.photos.delivery import guarded_response
from mosaic.stats import referrers
from mosaic.stats.visitors import host_of
from mosaic.websites import exposure, feed
from mosaic.websites.models import Site
from mosaic.websites.publishing import build_folder

YEAR = 31536000
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".vcf": "text/vcard; charset=utf-8",
}


def clean_path(path: str) -> str | None:
    """The file a request path names inside a build, or None for anything that tries to leave
    it (``..``, hidden names, backslashes)."""
    if "\\" in path or "\x00" in path:
        return None
    if path == "" or path.endswith("/"):
        path += "index.html"
    parts = PurePosixPath(path).parts
    if not parts or any(part.startswith(".") for part in parts) or parts[0] == "/":
        return None
    return "/".join(parts)


def is_owner(request: HttpRequest, site: Site) -> bool:
    return request.user.is_authenticated and request.user.pk == site.owner_id


def can_view(request: HttpRequest, site: Site) -> bool:
    return not site.is_private or is_owner(request, site)


def media_response(request: HttpRequest, site: Site, name: str) -> HttpResponseBase:
    """P31: a file of a site that has no public copy, after the check: the owner gets any of
    theirs, a visitor only what the site's published pages show (never a hidden post's)."""
    owner = is_owner(request, site)
    allowed = exposure.owner_has(site.owner_id, name) if owner else exposure.shown_on(site, name)
    if not allowed:
        raise Http404
    # Guarded names never change content; "private" keeps shared caches from storing them.
    return guarded_response(name, cache_control="private, max-age=86400")


@require_safe
def owner_media(request: HttpRequest, name: str) -> HttpResponseBase:
    """``/_media/<name>``: the signed-in owner's own files (the panel shows photos that no
    public site shows through it); 404 for anyone else (P31)."""
    user = request.user
    if not user.is_authenticated or user.in_quarantine or not exposure.owner_has(user.pk, name):
        raise Http404
    response = guarded_response(name, cache_control="private, max-age=3600")
    patch_vary_headers(response, ["Cookie"])
    return response


def gone(request: HttpRequest) -> HttpResponse:
    return render(request, "websites/gone.html", status=410)


@require_safe
def serve(request: HttpRequest, slug: str, path: str = "") -> HttpResponseBase:
    site = Site.objects.select_related("owner").filter(slug=slug).first()
    if site is None:
        raise Http404
    if site.is_offline():
        return gone(request)
    if not can_view(request, site):
        raise Http404
    if path.startswith("_media/"):
        response: HttpResponseBase = media_response(request, site, path.removeprefix("_media/"))
        patch_vary_headers(response, ["Cookie"])
        return response
    folder = build_folder(site)
    name = clean_path(path)
    if folder is None or name is None:
        raise Http404
    if name == feed.NAME and not feed.has_feed(site):
        raise Http404  # P31: the site stopped being public; its last build still has the file
    file = folder / name
    if not file.is_file():
        if (folder / path).is_dir() and not path.endswith("/"):
            return HttpResponsePermanentRedirect(f"{request.path}/")
        raise Http404
    privately = "private" if site.is_private else "public"
    if name.startswith("assets/"):
        cache = f"{privately}, max-age={YEAR}, immutable"
        etag = None
    else:
        cache = f"{privately}, no-cache"
        # A build never changes: its name, the path and the referring host written into the
        # counting pixel (as nginx's sub_filter does, mosaic.stats.referrers) identify the bytes.
        referrer = host_of(request.headers.get("Referer", ""))
        identity = f"{site.published_build}/{name}/{referrer}"
        etag = '"' + hashlib.sha256(identity.encode()).hexdigest()[:20] + '"'
    if etag and etag in {
        tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")
    }:
        response = HttpResponseNotModified()
    else:
        content_type = (
            feed.CONTENT_TYPE
            if name == feed.NAME
            else TYPES.get(PurePosixPath(name).suffix, "application/octet-stream")
        )
        if name.endswith(".html"):
            page = referrers.fill(file.read_bytes(), host=referrer)
            response = HttpResponse(page, content_type=content_type)
        else:
            response = FileResponse(file.open("rb"), content_type=content_type)
    response["Cache-Control"] = cache
    if etag:
        response["ETag"] = etag
    if not site.indexable:
        response["X-Robots-Tag"] = "noindex"
    if site.is_private:
        patch_vary_headers(response, ["Cookie"])
    return response
