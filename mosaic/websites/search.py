"""Search and sharing settings (issue #20 item 5): the home page's title and description for
search engines and chat apps, the share image, and the favicon from the avatar.

Kept on ``Site.search`` as ``{"title": ..., "description": ..., "image": <photo id>}`` (only
what the owner set) and published as the snapshot's ``"search"`` key, only when something is
set, so snapshots published before this existed are still "everything published".

Defaults when a setting is empty: the site's title, its bio, and the pinned photo (the first
pinned post's first photo, else the first post's). A share image or favicon is only ever a
public copy (P31): a private or unlisted site has none.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from mosaic.photos.models import Photo

TITLE_MAX = 70
DESCRIPTION_MAX = 200
#: characters that change how the rest of a line is shown (Trojan Source); refused too
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def check_text(value: str, *, multiline: bool = False) -> str:
    """``value`` without surrounding spaces, or a refusal if it holds control characters
    (a description may hold line breaks and tabs, shown as spaces)."""
    allowed = "\n\r\t" if multiline else ""
    for char in value:
        if char in allowed:
            continue
        if unicodedata.category(char) in ("Cc", "Cs") or char in BIDI:
            raise ValidationError(
                _("Please remove the control character (U+%(code)04X): it cannot be shown.")
                % {"code": ord(char)},
                code="control",
            )
    return value.strip()


def shown(search: dict[str, Any]) -> dict[str, Any]:
    """What goes into the snapshot: only the settings that are set."""
    kept: dict[str, Any] = {}
    for key in ("title", "description"):
        if isinstance(search.get(key), str) and search[key].strip():
            kept[key] = search[key].strip()
    if isinstance(search.get("image"), int) and search["image"] > 0:
        kept["image"] = search["image"]
    return kept


def _moderated() -> Q:
    """Photos of a post hidden by moderation: never a share image (P31)."""
    return Q(post_items__post__hidden_by_moderation_at__isnull=False)


def share_photos(owner_id: int) -> list[Photo]:
    """The owner's ready photos that can be a share image, newest first (at most 48)."""
    return list(
        Photo.objects.with_variants()
        .ready()
        .filter(owner_id=owner_id, post_items__isnull=False)
        .exclude(_moderated())
        .prefetch_related("post_items__post")
        .distinct()[:48]
    )


def share_photo(owner_id: int, photo_id: object) -> Photo | None:
    """The owner's ready photo ``photo_id``, or None (another owner's, not ready, gone)."""
    if not isinstance(photo_id, int) or photo_id <= 0:
        return None
    return (
        Photo.objects.with_variants()
        .ready()
        .filter(pk=photo_id, owner_id=owner_id)
        .exclude(_moderated())
        .first()
    )


def exposed_share_photo(snapshot: dict[str, Any]) -> Q:
    """For ``exposure.refresh_media``: the share image a public site's snapshot names (none
    from a post hidden by moderation), as a filter on photos."""
    photo_id = snapshot.get("search", {}).get("image")
    if not isinstance(photo_id, int):
        return Q(pk__in=[])
    return Q(pk=photo_id) & ~_moderated()
