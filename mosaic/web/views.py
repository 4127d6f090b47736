from __future__ import annotations

from csp.decorators import csp_replace
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from mosaic.websites import example as examples

TYPES = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"example_themes": examples.THEME_CHOICES})


@require_safe
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})  # type: ignore[arg-type]
def example(request: HttpRequest, theme: str, path: str = "") -> HttpResponse:
    """The example site in ``theme`` (``websites.example``): any page the renderer makes for
    it; the home page frames these, so they may be framed by this origin only."""
    if theme not in examples.THEMES or "\\" in path or ".." in path.split("/"):
        raise Http404
    name = path + "index.html" if path == "" or path.endswith("/") else path
    content = examples.ExampleRenderer(theme).render(name)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=TYPES.get(name.rsplit(".", 1)[-1]))
    # Pages always fresh (the language follows the visitor), the stylesheet's name is its hash.
    cached = name.startswith("assets/")
    response["Cache-Control"] = "public, max-age=31536000, immutable" if cached else "no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def example_photo(request: HttpRequest, version: str, name: str) -> HttpResponse:
    """A drawn photo of the example site; its address changes with the drawing."""
    found = examples.photo_for(name) if version == examples.PHOTO_VERSION else None
    if found is None:
        raise Http404
    response = HttpResponse(found[0], content_type=found[1])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
