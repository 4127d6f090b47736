"""Finding and removing photo files and rows that nothing refers to any more.

Orphans come from interrupted work: a crash between writing a file and committing its row, a
storage error while deleting, or an owner's account deleted with its photos (the originals it
shared with no one are then unreferenced).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from mosaic.photos.exposure import public_names
from mosaic.photos.models import Original, Variant
from mosaic.photos.services import delete_files, delete_original
from mosaic.photos.storage import guarded_storage, private_storage, public_storage

# Younger files may belong to work in progress (written, row not yet committed).
GRACE = timedelta(hours=1)


@dataclass
class Orphans:
    originals: list[int] = field(default_factory=list)  # rows with no photo
    private_files: list[str] = field(default_factory=list)
    guarded_files: list[str] = field(default_factory=list)
    public_files: list[str] = field(default_factory=list)  # P31: a public copy nobody records

    def __len__(self) -> int:
        return (
            len(self.originals)
            + len(self.private_files)
            + len(self.guarded_files)
            + len(self.public_files)
        )


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}")


def _old_enough(storage: Storage, name: str, cutoff: object) -> bool:
    try:
        return bool(storage.get_modified_time(name) < cutoff)  # type: ignore[operator]
    except (FileNotFoundError, NotImplementedError):
        return False


def find_orphans(*, grace: timedelta = GRACE) -> Orphans:
    cutoff = timezone.now() - grace
    found = Orphans()
    found.originals = list(
        Original.objects.filter(photos__isnull=True, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    known_private = set(Original.objects.values_list("name", flat=True))
    private = private_storage()
    found.private_files = [
        name
        for name in _walk(private, "originals")
        if name not in known_private and _old_enough(private, name, cutoff)
    ]
    known_guarded = set(Variant.objects.values_list("name", flat=True))
    guarded = guarded_storage()
    found.guarded_files = [
        name
        for name in _walk(guarded, "photos")
        if name not in known_guarded and _old_enough(guarded, name, cutoff)
    ]
    known_public = {
        name
        for original in Original.objects.exclude(public_token="").prefetch_related("variants")
        for name in public_names(original, original.public_token)
    }
    public = public_storage()
    found.public_files = [
        name
        for name in _walk(public, "photos")
        if name not in known_public and _old_enough(public, name, cutoff)
    ]
    return found


def clean_orphans(orphans: Orphans) -> None:
    for pk in orphans.originals:
        with transaction.atomic():
            original = Original.objects.select_for_update().filter(pk=pk).first()
            if original is not None and not original.photos.exists():
                delete_original(original=original)
    delete_files(private_storage(), orphans.private_files)
    delete_files(guarded_storage(), orphans.guarded_files)
    delete_files(public_storage(), orphans.public_files)
