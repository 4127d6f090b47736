from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mosaic.web.preferences import THEME_COOKIE, THEMES


def interface(request: HttpRequest) -> dict[str, Any]:
    """The visitor's theme, read from their own browser's cookie (P16: nothing kept server-side)."""
    theme = request.COOKIES.get(THEME_COOKIE, "auto")
    return {"ui_theme": theme if theme in THEMES else "auto"}
