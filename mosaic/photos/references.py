"""Photos named by something other than a foreign key: a hook the apps above fill (P05, P07).

``PhotoQuerySet.unreferenced`` sees every foreign key to ``Photo`` by itself. An app above this
one that names a photo another way (a site's published snapshot names its avatar by id in JSON)
registers a function here, the way ``privacy.py`` modules register their categories, so that
the one rule "delete a photo once nothing refers to it" (``services.release_photos``) counts it
without this app importing that one::

    @photo_holder
    def published_site_avatars(photo: OuterRef) -> QuerySet[Site]:
        return Site._base_manager.alias(avatar_id=published_avatar()).filter(avatar_id=photo)

The function gets ``OuterRef("pk")`` of the photo and returns the rows naming it, rows a
default manager hides (a deleted site that can still be restored, P08) included, through an
index: it is asked once per photo looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import OuterRef, QuerySet

Holder = Callable[[OuterRef], QuerySet[Any]]

_holders: list[Holder] = []


def photo_holder(function: Holder) -> Holder:
    """Register ``function`` as naming photos outside a foreign key (once, at import)."""
    if function not in _holders:
        _holders.append(function)
    return function


def photo_holders() -> tuple[Holder, ...]:
    return tuple(_holders)
