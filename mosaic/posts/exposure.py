"""P31, P08: a video's public copy exists only while a public site shows it.

Videos live in the guarded storage; while exposed, a copy sits in the public storage under
``Video.public_name``, a fresh random name each time (see ``mosaic.photos.exposure``, which
does the same for photos and provides the file operations).
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import QuerySet

from mosaic.photos.exposure import copy_file, delete_many
from mosaic.photos.storage import guarded_storage, public_storage
from mosaic.posts.models import Video


def withdraw_video(*, video_id: int) -> bool:
    """Delete a video's public copy, then record that it has none."""
    video = Video.objects.filter(pk=video_id).exclude(public_name="").first()
    if video is None:
        return False
    delete_many(public_storage(), [video.public_name])
    Video.objects.filter(pk=video_id, public_name=video.public_name).update(public_name="")
    return True


def expose_video(*, video_id: int) -> bool:
    """Copy a video to the public storage under a fresh name (if it has no copy yet)."""
    video = Video.objects.filter(pk=video_id, public_name="").first()
    if video is None:
        return False
    name = f"videos/{secrets.token_hex(16)}.mp4"
    public = public_storage()
    try:
        copy_file(guarded_storage(), video.name, public, name)
    except OSError:
        return False
    if not Video.objects.filter(pk=video_id, public_name="").update(public_name=name):
        delete_many(public, [name])
        return False
    return True


def set_exposed(*, owner_id: int, wanted: QuerySet[Video], expose: bool = True) -> None:
    """Public copies for exactly the owner's videos in ``wanted`` (``expose=False``: only
    withdraw the others). Call with the owner's row locked, as ``photos.exposure.set_exposed``."""
    mine = Video.objects.filter(owner_id=owner_id)
    wanted_ids = wanted.filter(owner_id=owner_id).values("pk")
    with transaction.atomic():
        stale = mine.exclude(public_name="").exclude(pk__in=wanted_ids)
        for video_id in stale.values_list("pk", flat=True):
            withdraw_video(video_id=video_id)
        if expose:
            for video_id in mine.filter(public_name="", pk__in=wanted_ids).values_list(
                "pk", flat=True
            ):
                expose_video(video_id=video_id)
