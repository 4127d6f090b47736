"""Small pieces of a site's page markup: JSON-LD that no caption can break out of, and the
name a photo link without a label shows."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.utils.safestring import SafeString, mark_safe


def link_name(url: str) -> str:
    """What a photo link without a label says: its host (``shop.example``), or the address
    after ``mailto:`` or ``tel:``."""
    scheme, _, rest = url.partition(":")
    if scheme.lower() in ("http", "https"):
        host = urlsplit(url).hostname or url
        return host.removeprefix("www.")
    return rest.split("?", 1)[0]


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a ``<script type="application/ld+json">``: ``<``, ``>`` and ``&`` escaped, so
    no caption can close the script element (P31-safe, XSS-safe)."""
    text = json.dumps(data, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return mark_safe(text)  # noqa: S308 (escaped above)
