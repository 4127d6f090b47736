"""Adding, processing and deleting photos.

Public API for other apps: ``add_photo``, ``delete_photo``, ``release_photos`` and
``PhotoRejected``; a ``Photo`` gives templates its variants, intrinsic size and placeholder
(see ``models.py``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Iterable
from functools import partial
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from mosaic.photos import batch, exposure, imaging
from mosaic.photos.imaging import PhotoRejected
from mosaic.photos.models import Original, Photo, Variant
from mosaic.photos.storage import guarded_storage, private_storage, public_storage

if TYPE_CHECKING:
    from mosaic.accounts.models import User

__all__ = [
    "PhotoRejected",
    "add_photo",
    "delete_photo",
    "process_original",
    "read_upload",
    "release_photos",
    "save_rendition",
]

logger = logging.getLogger(__name__)
_CHUNK = 1024 * 1024


def limits() -> imaging.Limits:
    return imaging.Limits(max_pixels=settings.PHOTOS_MAX_PIXELS)


def read_upload(source: IO[bytes]) -> bytes:
    """An upload's bytes, refused (``PhotoRejected``) past ``PHOTOS_MAX_BYTES`` without reading
    the rest."""
    return _read_limited(source, settings.PHOTOS_MAX_BYTES)


def _read_limited(source: IO[bytes], max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := source.read(_CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int) -> PhotoRejected:
    if size >= 1024 * 1024:
        return PhotoRejected(
            gettext_noop("the file is larger than %(size)s MB"), size=size // (1024 * 1024)
        )
    return PhotoRejected(gettext_noop("the file is larger than %(size)s kB"), size=size // 1000)


def _clean_filename(filename: str) -> str:
    """Keep only the last path part, as shown to the owner; it is never used as a path."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:200]


def add_photo(*, owner: User, source: IO[bytes], filename: str, process: bool = True) -> Photo:
    """Check an uploaded photo, store the original privately (P05), and schedule its variants
    (``process=False``: the caller makes them, as an import does in a batch with
    ``process_pending``).

    1. Read at most ``PHOTOS_MAX_BYTES``; decode it fully with the accepted decoders only, so a
       bad file raises ``PhotoRejected`` (with a ``reason`` for the person) before anything is
       written.
    2. Content addressing: the same bytes are stored and processed once, whoever adds them; the
       same owner adding them again gets the same ``Photo`` back.
    3. Processing is enqueued when the transaction commits (unless ``process`` is false).
    """
    data = read_upload(source)
    found = imaging.probe(data, limits())
    digest = hashlib.sha256(data).hexdigest()
    for attempt in range(3):
        stored: list[str] = []
        try:
            with transaction.atomic():
                original = _lock_or_store_original(
                    digest=digest, data=data, found=found, stored=stored, process=process
                )
                photo, _ = Photo.objects.get_or_create(
                    owner=owner, original=original, defaults={"filename": _clean_filename(filename)}
                )
                return photo
        except IntegrityError:  # the same bytes were added at the same moment: use theirs
            delete_files(private_storage(), stored)
            if attempt == 2:
                raise
        except BaseException:  # nothing half-written: no file without its row
            delete_files(private_storage(), stored)
            raise
    raise AssertionError("unreachable")


def _lock_or_store_original(
    *, digest: str, data: bytes, found: imaging.Probe, stored: list[str], process: bool
) -> Original:
    original = Original.objects.select_for_update().filter(sha256=digest).first()
    if original is not None:
        if original.status == Original.Status.FAILED:  # try again, e.g. after a fix
            original.status = Original.Status.PENDING
            original.save(update_fields=["status"])
            if process:
                transaction.on_commit(partial(enqueue_processing, original.pk))
        return original
    token = secrets.token_hex(16)
    # The token in the name means a new original never reuses the file of one being deleted.
    name = private_storage().save(f"originals/{digest[:2]}/{digest}-{token}", ContentFile(data))
    stored.append(name)
    original = Original.objects.create(
        sha256=digest,
        token=token,
        name=name,
        format=found.format,
        size=len(data),
        width=found.width,
        height=found.height,
        placeholder=found.placeholder,
    )
    if process:
        transaction.on_commit(partial(enqueue_processing, original.pk))
    return original


def enqueue_processing(original_id: int) -> None:
    from mosaic.photos.tasks import process_photo

    process_photo.enqueue(original_id)


def process_original(*, original_id: int) -> None:
    """Make every variant of an original that is still waiting (safe to run twice)."""
    original = Original.objects.filter(pk=original_id).first()
    if original is None or original.status == Original.Status.READY:
        return
    with private_storage().open(original.name, "rb") as file:
        data = file.read()
    try:
        rendition = imaging.render(data, widths=settings.PHOTOS_WIDTHS, limits=limits())
    except PhotoRejected as exc:
        mark_failed(original_id=original_id, reason=str(exc))
        return
    save_rendition(original_id=original_id, rendition=rendition)


def process_pending(
    *, limit: int | None = None, workers: int = 0, owner_id: int | None = None
) -> dict[str, int]:
    """Make the variants of every waiting original (or the first ``limit``; or only those of
    ``owner_id``'s photos) on every core.

    For a backlog (an import, a change of widths); single new photos go through the task
    queue. Returns how many became ready and how many failed.
    """
    with VariantMaker(workers=workers) as maker:
        maker.add(waiting_originals(owner_id=owner_id, limit=limit))
        return maker.finish()


def waiting_originals(*, owner_id: int | None = None, limit: int | None = None) -> list[int]:
    ids = Original.objects.filter(status=Original.Status.PENDING).order_by("pk")
    if owner_id is not None:
        ids = ids.filter(pk__in=Photo.objects.filter(owner_id=owner_id).values("original_id"))
    values = ids.values_list("pk", flat=True)
    return list(values[:limit] if limit else values)


class VariantMaker:
    """Makes variants on every core while its caller keeps storing originals: an import hands
    over each post's originals once the post is saved (``add``) and goes on downloading while
    the pool encodes; ``finish`` waits for the rest.

    1. ``add`` only notes ids (an int each) and hands to the pool as many as it has room for
       (``2 * workers`` in flight, each original read only then: memory stays bounded), then
       records whatever finished meanwhile; it never waits for the pool.
    2. The pool's threads start with the first original handed over (``batch.Renderer``).
    3. An original is handed over once per maker, and only while still waiting; recording a
       result twice is harmless anyway (``save_rendition`` replaces), so a run killed midway
       and done again loses and duplicates nothing.
    4. With ``owner_id``, ``finish`` first adds every other waiting original of that owner's
       photos (left by a run killed earlier, or stored without being added).
    """

    def __init__(self, *, workers: int = 0, owner_id: int | None = None) -> None:
        self.owner_id = owner_id
        self._renderer = batch.Renderer[int](
            widths=tuple(settings.PHOTOS_WIDTHS),
            limits=limits(),
            workers=workers or settings.PHOTOS_BATCH_WORKERS,
        )
        self._seen: set[int] = set()
        self._queued: list[int] = []
        self.counts = {"ready": 0, "failed": 0}

    def __enter__(self) -> VariantMaker:
        return self

    def __exit__(self, *exc: object) -> None:
        self._renderer.close()

    def add(self, original_ids: Iterable[int]) -> None:
        for pk in original_ids:
            if pk not in self._seen:
                self._seen.add(pk)
                self._queued.append(pk)
        self._feed()
        self._record(self._renderer.ready())

    def finish(self) -> dict[str, int]:
        """Wait for every original added; returns how many became ready and how many failed."""
        if self.owner_id is not None:
            self.add(waiting_originals(owner_id=self.owner_id))
        while self._queued:
            self._feed()
            self._record(self._renderer.make_room())
        for result in self._renderer.finish():
            self._record([result])
        return dict(self.counts)

    def _feed(self) -> None:
        """Hand over queued originals while the pool has room (never waiting)."""
        storage = private_storage()
        while self._queued and not self._renderer.full:
            room = 2 * self._renderer.workers - self._renderer.in_flight
            batch_ids, self._queued = self._queued[:room], self._queued[room:]
            waiting = Original.objects.filter(pk__in=batch_ids, status=Original.Status.PENDING)
            for pk, name in waiting.values_list("pk", "name"):
                try:
                    with storage.open(name, "rb") as file:
                        data = file.read()
                except FileNotFoundError:  # deleted meanwhile: refused as empty, on no row
                    data = b""
                self._renderer.submit(pk, data)

    def _record(self, results: list[tuple[int, imaging.Rendition | PhotoRejected]]) -> None:
        for pk, result in results:
            if isinstance(result, PhotoRejected):
                mark_failed(original_id=pk, reason=str(result))
                self.counts["failed"] += 1
            else:
                save_rendition(original_id=pk, rendition=result)
                self.counts["ready"] += 1


def mark_failed(*, original_id: int, reason: str) -> None:
    Original.objects.filter(pk=original_id).update(
        status=Original.Status.FAILED, error=reason[:300], processed_at=timezone.now()
    )


def variant_name(original: Original, output: imaging.Output) -> str:
    return f"photos/{original.token}/{output.width}.{output.format}"


def save_rendition(*, original_id: int, rendition: imaging.Rendition) -> None:
    """Write the variants to the guarded storage, then record them; if the original was deleted
    meanwhile, remove what was written so nothing is left behind. A photo a public site already
    shows gets its public copies once this commits (P31, ``photos.exposure``)."""
    original = Original.objects.filter(pk=original_id).first()
    if original is None:
        return
    storage = guarded_storage()
    written: list[str] = []
    for output in rendition.outputs:
        name = variant_name(original, output)
        if storage.exists(name):  # processed before: replace, never save beside it
            storage.delete(name)
        written.append(storage.save(name, ContentFile(output.data)))
    with transaction.atomic():
        locked = Original.objects.select_for_update().filter(pk=original_id).first()
        if locked is None:
            transaction.on_commit(partial(delete_files, storage, written))
            return
        previous = list(locked.variants.values_list("name", flat=True))
        stale = [name for name in previous if name not in written]
        if previous:  # a first rendition (every photo of an import) has nothing to replace
            locked.variants.all().delete()
        Variant.objects.bulk_create(
            Variant(
                original=locked,
                width=output.width,
                height=output.height,
                format=output.format,
                name=name,
                size=len(output.data),
            )
            for output, name in zip(rendition.outputs, written, strict=True)
        )
        locked.width, locked.height = rendition.width, rendition.height
        locked.placeholder = rendition.placeholder
        locked.status = Original.Status.READY
        locked.error = ""
        locked.processed_at = timezone.now()
        locked.save(
            update_fields=["width", "height", "placeholder", "status", "error", "processed_at"]
        )
        if stale:
            transaction.on_commit(partial(delete_files, storage, stale))
        if locked.public_token:  # reprocessed: the old copies are stale, make new ones
            transaction.on_commit(partial(exposure.withdraw_original, original_id=original_id))
        transaction.on_commit(partial(exposure.expose_original, original_id=original_id))


def delete_photo(*, photo: Photo) -> None:
    """Remove a photo (P07); when no one else has the same original, remove the original and
    every variant file too, once the deletion is committed."""
    with transaction.atomic():
        original = Original.objects.select_for_update().filter(pk=photo.original_id).first()
        Photo.objects.filter(pk=photo.pk).delete()
        if original is None:
            return
        if not original.photos.exists():
            delete_original(original=original)
        elif original.public_token and not original.photos.filter(exposed=True).exists():
            transaction.on_commit(partial(exposure.withdraw_original, original_id=original.pk))


def release_photos(*, photo_ids: Iterable[int]) -> int:
    """Delete the photos among these that no row refers to any more (P05, P07), their files once
    the deletion is committed; returns how many went. The caller drops its own reference first
    (a post's items, a profile's avatar) and hands over the photos it let go.

    The same file added again by its owner is the same photo, so a post's photo can also be
    the owner's avatar (P28) or a site's avatar: those keep it. A whole batch is looked at in
    one query (``PhotoQuerySet.unreferenced``), not a query per photo and relation; each is
    looked at again under its original's row lock before it goes, the lock ``add_photo`` takes
    too, so a photo that an upload of the same file made someone's avatar meanwhile stays.
    """
    keys = sorted(set(photo_ids))
    if not keys:
        return 0
    released = 0
    with transaction.atomic():
        unused = list(Photo.objects.filter(pk__any=keys).unreferenced().order_by("pk"))
        for photo in unused:
            Original.objects.select_for_update().filter(pk=photo.original_id).first()
            if Photo.objects.filter(pk=photo.pk).unreferenced().exists():
                delete_photo(photo=photo)
                released += 1
    return released


def delete_original(*, original: Original) -> None:
    """Delete an original's row, variants and files (the files after commit). Call it inside a
    transaction holding the original's row lock."""
    variant_names = list(original.variants.values_list("name", flat=True))
    public_names = exposure.public_names(original, original.public_token)
    original.delete()
    if original.public_token:
        transaction.on_commit(partial(delete_files, public_storage(), public_names))
    transaction.on_commit(partial(delete_files, guarded_storage(), variant_names))
    transaction.on_commit(partial(delete_files, private_storage(), [original.name]))


def delete_files(storage: Storage, names: Iterable[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # left for `manage.py photos_orphans --delete`
            logger.warning("could not delete a photo file; photos_orphans will retry")
            continue
        if isinstance(storage, FileSystemStorage):
            _remove_empty_folders(storage, name)


def _remove_empty_folders(storage: FileSystemStorage, name: str) -> None:
    """Local files only: drop the folders a deletion left empty (object stores have none)."""
    parent = PurePosixPath(name).parent
    while parent.name:
        try:
            os.rmdir(storage.path(str(parent)))
        except OSError:  # not empty, or already gone
            return
        parent = parent.parent
