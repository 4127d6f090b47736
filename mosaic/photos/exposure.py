"""P31, P08: public copies of served files exist only while a public site shows them.

Every variant lives in the guarded storage, which no web server serves by itself. While at
least one of the photos made from an original is *exposed* (``Photo.exposed``, decided by
``mosaic.websites.exposure``), its variants also have a copy in the public storage, which
nginx or the CDN serves to anyone, under ``photos/<public_token>/``. Taking them offline deletes
the copies before anything is recorded, so there is never a moment when the record says
"offline" while the files still answer; bringing them back makes copies under a *fresh* token,
so an address that was once public never works again (token rotation).

Local storage makes the copy a hard link (no extra disk, nothing to copy); object storage
copies the bytes. Public API: ``set_exposed``, ``withdraw_original``, ``expose_original``,
``copy_file`` and ``delete_many`` (also used for videos, ``mosaic.posts.exposure``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.db.models import QuerySet

from mosaic.photos.models import Original, Photo
from mosaic.photos.storage import guarded_storage, public_storage

logger = logging.getLogger(__name__)

S3_DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys


def copy_file(source: Storage, name: str, target: Storage, target_name: str) -> str:
    """Put ``source``'s file ``name`` into ``target`` as ``target_name`` (exactly that name):
    a hard link between local folders, a copy otherwise. Returns the name written."""
    if isinstance(source, FileSystemStorage) and isinstance(target, FileSystemStorage):
        destination = Path(target.path(target_name))
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.unlink(missing_ok=True)
        try:
            os.link(source.path(name), destination)
            return target_name
        except OSError:  # another file system: copy below
            pass
    if target.exists(target_name):
        target.delete(target_name)
    with source.open(name, "rb") as handle:
        written = target.save(target_name, handle)
    if written != target_name:  # the storage picked another name: never leave it behind
        target.delete(written)
        raise OSError(f"the storage would not write {target_name}")
    return written


def delete_many(storage: Storage, names: Iterable[str]) -> None:
    """Delete files now (1,000 per request on S3); a missing file is not an error."""
    names = [name for name in names if name]
    bucket = getattr(storage, "bucket", None)
    if bucket is not None and hasattr(storage, "_normalize_name"):
        for start in range(0, len(names), S3_DELETE_BATCH):
            keys = [
                {"Key": storage._normalize_name(name)}
                for name in names[start : start + S3_DELETE_BATCH]
            ]
            bucket.delete_objects(Delete={"Objects": keys, "Quiet": True})
        return
    for name in names:
        storage.delete(name)
        if isinstance(storage, FileSystemStorage):
            _remove_empty_parent(storage, name)


def _remove_empty_parent(storage: FileSystemStorage, name: str) -> None:
    with contextlib.suppress(OSError):  # not empty, or gone
        Path(storage.path(name)).parent.rmdir()


def public_names(original: Original, token: str) -> list[str]:
    return [f"photos/{token}/{v.name.rsplit('/', 1)[-1]}" for v in original.variants.all()]


def withdraw_original(*, original_id: int) -> bool:
    """Delete the public copies of an original's variants (P31, P08). Returns whether there
    were any. The files go first, then the record: never "offline" on paper while online."""
    original = Original.objects.filter(pk=original_id).first()
    if original is None or not original.public_token:
        return False
    token = original.public_token
    delete_many(public_storage(), public_names(original, token))
    Original.objects.filter(pk=original_id, public_token=token).update(public_token="")
    return True


def expose_original(*, original_id: int) -> bool:
    """Copy a ready original's variants to the public storage under a fresh token, if one of
    its photos is exposed and it has no public copies yet. Returns whether it did."""
    original = Original.objects.filter(pk=original_id, status=Original.Status.READY).first()
    if original is None or original.public_token:
        return False
    if not original.photos.filter(exposed=True).exists():
        return False
    token = secrets.token_hex(16)
    guarded, public = guarded_storage(), public_storage()
    written: list[str] = []
    try:
        for variant, target in zip(
            original.variants.all(), public_names(original, token), strict=True
        ):
            written.append(copy_file(guarded, variant.name, public, target))
    except (OSError, FileNotFoundError):
        delete_many(public, written)
        logger.warning("could not make the public copies of an original; it stays guarded")
        return False
    claimed = Original.objects.filter(pk=original_id, public_token="").update(public_token=token)
    if not claimed:  # exposed by someone else meanwhile: keep theirs
        delete_many(public, written)
        return False
    return True


def set_exposed(*, owner_id: int, wanted: QuerySet[Photo], expose: bool = True) -> None:
    """Make the owner's photos in ``wanted`` exposed and every other photo of theirs not, and
    bring the public copies in line (P31). With ``expose=False`` only withdraws: for requests,
    where taking content offline must not wait, and publishing may bring it back later.

    Call it with the owner's row locked (``websites.exposure.refresh_media``), so two changes
    for one owner never interleave.
    """
    mine = Photo.objects.filter(owner_id=owner_id)
    wanted_ids = wanted.filter(owner_id=owner_id).values("pk")
    originals = Original.objects.filter(photos__owner_id=owner_id)
    with transaction.atomic():
        mine.filter(exposed=True).exclude(pk__in=wanted_ids).update(exposed=False)
        if expose:
            mine.filter(exposed=False, pk__in=wanted_ids).update(exposed=True)
        # Public copies that no exposed photo needs any more (another owner's exposed photo of
        # the same file keeps them).
        stale = originals.exclude(public_token="").exclude(photos__exposed=True)
        for original_id in stale.values_list("pk", flat=True).distinct():
            withdraw_original(original_id=original_id)
        if expose:  # exposed without public copies: new, or left by an interrupted run
            missing = originals.filter(
                photos__exposed=True, public_token="", status=Original.Status.READY
            )
            for original_id in missing.values_list("pk", flat=True).distinct():
                expose_original(original_id=original_id)


def move_to_guarded(names: Iterable[str]) -> int:
    """Move served files still in the public storage into the guarded one (the layout before
    P31 kept them public); used by a migration. Returns how many moved."""
    public, guarded = public_storage(), guarded_storage()
    moved = 0
    for name in names:
        if not public.exists(name) or guarded.exists(name):
            continue
        copy_file(public, name, guarded, name)
        delete_many(public, [name])
        moved += 1
    return moved
