"""Reading the ZIP from Instagram's "Download your information" (JSON format) as a stream of posts.

Every layout Instagram has used is recognised, under an optional top folder:

- ``media.json`` (until about 2020): ``{"photos": [...], "videos": [...]}``, one file per entry,
  ``caption``, ``taken_at`` (ISO date) and ``path``;
- ``content/posts_1.json`` (2020-2022) and ``your_instagram_activity/content/posts_N.json`` or
  ``your_instagram_activity/media/posts_N.json`` (2023 on): a list of posts, each with ``media``
  (a list, or a single object) of ``{"uri", "creation_timestamp", "title"}``, the caption being
  the post's ``title`` or, when that is absent, the first item's.

Text is repaired (UTF-8 bytes that the download writes as Latin-1 characters) and hashtags
parsed. The archive is checked by ``SafeZip`` first; posts files are parsed as streams, one post
in memory at a time, with size and nesting limits (``posts_json``), and media are only ever
opened as streams, so a 1 GB archive with a 60 MB posts list is read in bounded memory.
Nothing is written anywhere: the caller decides what to import.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from django.utils.translation import gettext_noop

from mosaic.integrations.instagram import posts_json
from mosaic.integrations.instagram.text import hashtags, repair_mojibake
from mosaic.lib.deferred import Deferred, DeferredError
from mosaic.lib.zipsafe import DAMAGED, SafeZip, UnsafeArchive, ZipLimits

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"}
VIDEO_EXTENSIONS = {".mp4", ".mov", ".m4v"}
_POSTS_FILE = re.compile(
    r"^(?P<root>(?:[^/]+/)?)"
    r"(?:content|your_instagram_activity/content|your_instagram_activity/media)"
    r"/posts_(?P<number>\d+)\.json$"
)
_MEDIA_JSON = re.compile(r"^(?P<root>(?:[^/]+/)?)media\.json$")


class ArchiveError(DeferredError):
    """The upload is not an Instagram data download we can read; ``text`` says why, in the
    reader's language."""


@dataclass(frozen=True)
class ArchiveMedia:
    member: str  # the entry's name in the archive: a lookup key, never a path on disk
    kind: str  # "image" or "video"
    taken_at: datetime | None
    opener: Callable[[str], IO[bytes]] = field(repr=False, compare=False)

    def open(self) -> IO[bytes]:
        return self.opener(self.member)


@dataclass(frozen=True)
class ArchivePost:
    key: str  # stable across re-uploads of the same download: for idempotent imports
    caption: str
    hashtags: list[str]
    taken_at: datetime | None
    media: list[ArchiveMedia]


class InstagramArchive:
    """Use as a context manager: ``with InstagramArchive(file) as archive: archive.posts()``."""

    def __init__(
        self,
        source: IO[bytes],
        *,
        limits: ZipLimits | None = None,
        max_posts_file_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self._max_posts_file_bytes = max_posts_file_bytes
        try:
            self._zip = SafeZip(source, limits=limits)
        except UnsafeArchive as exc:
            raise ArchiveError(exc.text) from exc
        self.warnings: list[Deferred] = []
        names = self._zip.names()
        self._by_basename: dict[str, list[str]] = {}
        for name in names:
            self._by_basename.setdefault(posixpath.basename(name), []).append(name)
        self._posts_files = sorted(
            (
                (match.group("root"), int(match.group("number")), name)
                for name in names
                if (match := _POSTS_FILE.match(name))
            ),
            key=lambda item: (item[1], item[2]),
        )
        self._media_json = [
            (match.group("root"), name) for name in names if (match := _MEDIA_JSON.match(name))
        ]
        if not self._posts_files and not self._media_json:
            self.close()
            if any(name.endswith(".html") for name in names):
                raise ArchiveError(
                    gettext_noop(
                        "this download is in HTML format; request it again from Instagram in"
                        " JSON format"
                    )
                )
            raise ArchiveError(
                gettext_noop(
                    "no posts found: this does not look like an Instagram data download"
                    " (posts_1.json or media.json is missing)"
                )
            )

    @property
    def layout(self) -> str:
        if self._posts_files:
            return self._posts_files[0][2].removeprefix(self._posts_files[0][0])
        return "media.json"

    def __enter__(self) -> InstagramArchive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def open(self, member: str) -> IO[bytes]:
        try:
            return self._zip.open(member)
        except UnsafeArchive as exc:
            raise ArchiveError(exc.text) from exc

    def posts(self) -> Iterator[ArchivePost]:
        """Every post, file by file, each file parsed as a stream (``posts_json``); posts without
        any readable media are skipped (and noted in ``warnings``)."""
        for root, _number, name in self._posts_files:
            for raw in self._entries(name, sections=None):
                if (post := self._post(raw, root)) is not None:
                    yield post
        if not self._posts_files:
            for root, name in self._media_json:
                for raw in self._entries(name, sections=("photos", "videos")):
                    if (post := self._old_post(raw, root)) is not None:
                        yield post

    def _entries(self, name: str, *, sections: tuple[str, ...] | None) -> Iterator[Any]:
        if self._zip.size(name) > self._max_posts_file_bytes:
            raise ArchiveError(
                gettext_noop(
                    "%(name)s is not an Instagram posts list: it is larger than %(limit)s bytes"
                ),
                name=name,
                limit=self._max_posts_file_bytes,
            )
        try:
            with self._zip.open(name) as stream:
                yield from posts_json.posts_in(stream, name=name, sections=sections)
        except (posts_json.NotAPostsList, posts_json.BrokenJson) as exc:
            raise ArchiveError(exc.text) from exc
        except UnsafeArchive as exc:
            raise ArchiveError(exc.text) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ArchiveError(DAMAGED, name=repr(name)) from exc

    def _post(self, raw: Any, root: str) -> ArchivePost | None:
        if not isinstance(raw, dict):
            return None
        items = raw.get("media")
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            items = []
        items = [item for item in items if isinstance(item, dict)]
        first = items[0] if items else {}
        caption = _text(raw.get("title")) or _text(first.get("title"))
        post_time = _timestamp(raw.get("creation_timestamp"))
        media = [
            medium
            for item in items
            if (
                medium := self._media(
                    item.get("uri"), root, _timestamp(item.get("creation_timestamp")) or post_time
                )
            )
            is not None
        ]
        return self._finish(caption, post_time or (media[0].taken_at if media else None), media)

    def _old_post(self, raw: Any, root: str) -> ArchivePost | None:
        if not isinstance(raw, dict):
            return None
        taken_at = _iso_time(raw.get("taken_at"))
        medium = self._media(raw.get("path"), root, taken_at)
        return self._finish(_text(raw.get("caption")), taken_at, [medium] if medium else [])

    def _finish(
        self, caption: str, taken_at: datetime | None, media: list[ArchiveMedia]
    ) -> ArchivePost | None:
        if not media:
            self.warnings.append(
                Deferred(
                    gettext_noop("a post without any photo or video in the archive was skipped")
                )
            )
            return None
        fingerprint = "\n".join(
            [taken_at.isoformat() if taken_at else ""] + [m.member for m in media]
        )
        key = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
        return ArchivePost(
            key=key, caption=caption, hashtags=hashtags(caption), taken_at=taken_at, media=media
        )

    def _media(self, uri: Any, root: str, taken_at: datetime | None) -> ArchiveMedia | None:
        if not isinstance(uri, str) or not uri or "://" in uri:
            return None
        member = self._resolve(uri, root)
        if member is None:
            self.warnings.append(
                Deferred(
                    gettext_noop("%(name)s is listed but not in the archive"),
                    {"name": posixpath.basename(uri)},
                )
            )
            return None
        extension = posixpath.splitext(member)[1].lower()
        if extension in IMAGE_EXTENSIONS:
            kind = "image"
        elif extension in VIDEO_EXTENSIONS:
            kind = "video"
        else:
            self.warnings.append(
                Deferred(
                    gettext_noop("%(name)s is not a photo or video we read"),
                    {"name": posixpath.basename(member)},
                )
            )
            return None
        return ArchiveMedia(member=member, kind=kind, taken_at=taken_at, opener=self.open)

    def _resolve(self, uri: str, root: str) -> str | None:
        """The archive member a post's ``uri`` names: relative to the download's root folder,
        or, for re-packed archives, the only member with that file name."""
        clean = posixpath.normpath(uri.replace("\\", "/")).lstrip("/")
        if clean.startswith(".."):
            return None
        for candidate in (root + clean, clean):
            if candidate in self._zip:
                return candidate
        matches = self._by_basename.get(posixpath.basename(clean), [])
        return matches[0] if len(matches) == 1 else None


def _text(value: Any) -> str:
    return repair_mojibake(value).strip() if isinstance(value, str) else ""


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
