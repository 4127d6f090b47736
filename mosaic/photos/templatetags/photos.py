"""`{% picture photo sizes="100vw" alt="..." %}`: a responsive, space-reserving <picture>."""

from __future__ import annotations

from typing import Any

from django import template

from mosaic.photos.models import Photo

register = template.Library()


@register.inclusion_tag("photos/picture.html")
def picture(
    photo: Photo, sizes: str = "100vw", alt: str = "", loading: str = "lazy"
) -> dict[str, Any]:
    """WebP srcset with a JPEG fallback, intrinsic width/height (no layout shift) and the inline
    placeholder as a separate image (the CSP allows data: images but no inline styles)."""
    fallback = photo.fallback()
    return {
        "photo": photo,
        "ready": photo.is_ready and fallback is not None,
        "webp": photo.srcset("webp"),
        "jpeg": photo.srcset("jpeg"),
        "src": fallback.url if fallback else "",
        "sizes": sizes,
        "alt": alt,
        "loading": loading,
    }
