"""Where photo files live (P05, P31).

- **private**: originals and data exports. Never served, by anyone.
- **guarded**: every served file (photo variants, videos), always. No web server serves it
  directly: the app hands a file out only after checking who asks (``photos.delivery``).
- **public**: a copy of the guarded files that anyone may fetch straight from nginx or the CDN,
  only while a public site shows them, under a fresh random name each time (``photos.exposure``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


class _UnservedFileSystemStorage(FileSystemStorage):
    """Local files outside MEDIA_ROOT and without any URL, so no web server configured for
    media can serve them. The folder is read at each use (a test's own MEDIA_ROOT gives it its
    own folder too): the setting named by ``root_setting``, or ``default_folder`` beside
    MEDIA_ROOT."""

    root_setting = ""
    default_folder = ""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        configured = getattr(settings, self.root_setting, "")
        return str(configured or Path(settings.MEDIA_ROOT).parent / self.default_folder)

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise ValueError(f"{self.default_folder} files have no URL (P05, P31)")


class PrivateFileSystemStorage(_UnservedFileSystemStorage):
    """P05: originals and exports (``PHOTOS_PRIVATE_ROOT``, default ``private/``)."""

    root_setting = "PHOTOS_PRIVATE_ROOT"
    default_folder = "private"


class GuardedFileSystemStorage(_UnservedFileSystemStorage):
    """P31: every served file, reached only through an owner or visibility check
    (``MEDIA_GUARDED_ROOT``, default ``guarded/``); nginx may send them after the app said so
    (``X-Accel-Redirect`` to an ``internal`` location)."""

    root_setting = "MEDIA_GUARDED_ROOT"
    default_folder = "guarded"


def private_storage() -> Storage:
    """Originals: never served (P05)."""
    return storages["photos_private"]


def guarded_storage() -> Storage:
    """Served files, handed out only after a check (P31)."""
    return storages["photos_guarded"]


def public_storage() -> Storage:
    """Copies of the files public sites show: anyone may fetch them (P31)."""
    return storages["photos_public"]
