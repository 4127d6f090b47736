"""Handing out a guarded file once an interface has decided the requester may have it (P31).

The check is the caller's (the owner route at ``/_media/``, a site's ``_media/`` route in
``websites.serving``); this module only sends the bytes, the cheapest way the setup allows:

- behind nginx with local files (``MEDIA_ACCEL_REDIRECT``, e.g. ``/_guarded/``): an empty
  answer with ``X-Accel-Redirect``, and nginx sends the file from an ``internal`` location that
  no request can reach directly (deploy/nginx/mosaic.conf);
- object storage: a redirect to a presigned address valid ``MEDIA_GUARDED_URL_SECONDS``;
- otherwise (``make run``): the app streams the file.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase

from mosaic.photos.storage import guarded_storage


def guarded_response(name: str, *, cache_control: str) -> HttpResponseBase:
    storage = guarded_storage()
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response: HttpResponseBase
    if isinstance(storage, FileSystemStorage):
        if not storage.exists(name):
            raise Http404
        if settings.MEDIA_ACCEL_REDIRECT:
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT + quote(name)
        else:
            response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    else:
        response = HttpResponseRedirect(storage.url(name))
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response
