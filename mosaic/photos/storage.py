"""Where photo files live: a private store for originals (P05) and a public one for variants."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """P05: originals on local disk, outside MEDIA_ROOT and without any URL, so no web server
    configured for media can ever serve them.

    The folder is ``PHOTOS_PRIVATE_ROOT``, or ``private`` beside ``MEDIA_ROOT`` (read at each use,
    so a test's own MEDIA_ROOT gives it its own private folder too).
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        configured = getattr(settings, "PHOTOS_PRIVATE_ROOT", "")
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private")

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise ValueError("P05: originals are private and have no URL")


def private_storage() -> Storage:
    """Originals: never served (P05)."""
    return storages["photos_private"]


def public_storage() -> Storage:
    """Served variants: stripped of metadata, safe to publish."""
    return storages["photos_public"]
