"""Logged-out preferences (language, theme) live in the visitor's browser only (P16).

They are two cookies the visitor sets by submitting the form themselves; nothing is written on
the server, so there is nothing to keep, export or delete.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

THEME_COOKIE = "mosaic_theme"
THEMES = ("auto", "light", "dark")
#: P16, P18: set only when a visitor hides "similar sites" (mosaic.discovery sets it).
SIMILAR_COOKIE = "mosaic_similar"


def safe_next(request: HttpRequest, candidate: str | None, fallback: str = "/") -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@require_POST
def set_preferences(request: HttpRequest) -> HttpResponse:
    """P16: store the chosen language and theme as cookies in the visitor's browser."""
    response = HttpResponseRedirect(safe_next(request, request.POST.get("next")))
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    theme = request.POST.get("theme", "")
    if theme in THEMES:
        response.set_cookie(
            THEME_COOKIE,
            theme,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response
