"""The posts of a data download, checked and staged in one read of its posts JSON.

Importing a download must neither read its posts JSON twice (a 60 MB list, parsed as a stream,
is the slow part of a task) nor write half of it: a file that turns out broken or hostile at its
last post must leave no post behind. So the first task of a run reads the posts files once, as a
stream (``InstagramArchive.posts``), and writes each post it accepts, already normalised, as one
line of JSON to a staging file; only when the whole file has been read and found sound does any
post get imported, from the staging file. A refusal ends the run before anything is written.

The staging file lives beside the upload in the private storage (``<upload>.posts.jsonl``) so the
run's later tasks read it line by line instead of the posts JSON; it holds what the upload holds
and is deleted with it (``runs.delete_upload``, P05). A run without an upload (the command,
which imports a local file in one task) stages to a temporary file only.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO

from django.core.files import File

from mosaic.integrations.instagram.archive import ArchiveMedia, ArchivePost, InstagramArchive
from mosaic.photos.storage import private_storage

SUFFIX = ".posts.jsonl"


def staged_name(upload_name: str) -> str:
    """Where the staged posts of the upload ``upload_name`` are kept."""
    return upload_name.removesuffix(".zip") + SUFFIX


def stage(archive: InstagramArchive) -> tuple[IO[bytes], int]:
    """Read every post of ``archive`` once, checking it as it streams; returns a temporary
    file of the posts (one JSON line each, rewound) and their number. ``ArchiveError`` when the
    download is refused: nothing has been written anywhere then."""
    staged = tempfile.TemporaryFile(prefix="mosaic-import-")  # noqa: SIM115 (returned open)
    count = 0
    try:
        for post in archive.posts():
            staged.write(_line(post))
            count += 1
    except BaseException:
        staged.close()
        raise
    staged.seek(0)
    return staged, count


def keep(staged: IO[bytes], upload_name: str) -> None:
    """Store the staged posts beside the upload, for the run's later tasks."""
    storage = private_storage()
    name = staged_name(upload_name)
    if storage.exists(name):  # a task that stopped after staging: its copy is the same
        storage.delete(name)
    stored = storage.save(name, File(staged))
    staged.seek(0)
    if stored != name:  # another task stored it at the same moment: keep one copy
        storage.delete(stored)


def open_kept(upload_name: str) -> IO[bytes] | None:
    """The staged posts of an upload, or None when none are kept (staged by no task yet)."""
    storage = private_storage()
    name = staged_name(upload_name)
    if not storage.exists(name):
        return None
    stream: IO[bytes] = storage.open(name, "rb")
    return stream


def staged_posts(
    staged: IO[bytes], archive: InstagramArchive, *, skip: int
) -> Iterator[ArchivePost]:
    """The staged posts after the first ``skip`` (imported by earlier tasks), one line at a
    time; their media are opened from ``archive`` when imported."""
    for index, line in enumerate(staged):
        if index < skip:
            continue
        raw = json.loads(line)
        yield ArchivePost(
            key=raw["key"],
            caption=raw["caption"],
            hashtags=raw["hashtags"],
            taken_at=_time(raw["taken_at"]),
            media=[
                ArchiveMedia(member=member, kind=kind, taken_at=_time(at), opener=archive.open)
                for member, kind, at in raw["media"]
            ],
        )


def _line(post: ArchivePost) -> bytes:
    record = {
        "key": post.key,
        "caption": post.caption,
        "hashtags": post.hashtags,
        "taken_at": post.taken_at.isoformat() if post.taken_at else None,
        "media": [
            [medium.member, medium.kind, medium.taken_at.isoformat() if medium.taken_at else None]
            for medium in post.media
        ],
    }
    return json.dumps(record, ensure_ascii=False).encode() + b"\n"


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
