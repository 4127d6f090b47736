"""A data download's posts JSON is read once (checked and staged as it streams), and a file
found broken anywhere, even after the first task's share of posts, leaves nothing written."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.execution import execute
from mosaic.integrations.instagram.models import ImportRun
from mosaic.integrations.instagram.staging import staged_name
from mosaic.integrations.instagram.tests.test_archive_import import (
    FILES,
    POSTS,
    private_uploads,
    zip_bytes,
)
from mosaic.photos.models import Original
from mosaic.photos.storage import private_storage
from mosaic.posts.models import Post

pytestmark = pytest.mark.django_db

GOOD = json.dumps(POSTS)[1:-1]  # the three posts, without the list's brackets


@pytest.mark.parametrize(
    ("posts_json", "message"),
    [
        (f"[{GOOD}, {GOOD}, {GOOD}".encode(), "not valid JSON"),  # cut short
        (f"[{GOOD}, {GOOD}, {{oops}}, {GOOD}]".encode(), "not valid JSON"),
        (
            f"[{GOOD}, {GOOD}, {'[' * 40}{']' * 40}, {GOOD}]".encode(),
            "is not an Instagram posts list: it is nested deeper",
        ),
        (
            f"[{GOOD}, {GOOD}, {json.dumps({'media': [], 'x': [1] * 20_000})}]".encode(),
            "is not an Instagram posts list: one entry is bigger than any post",
        ),
        (
            f"[{GOOD}, {json.dumps({'title': 'x' * 70_000})}, {GOOD}]".encode(),
            "is not an Instagram posts list: it holds a text longer than any caption",
        ),
    ],
    ids=["cut-short", "broken-mid-file", "nested-mid-file", "huge-entry", "huge-text"],
)
def test_a_file_broken_after_the_first_share_of_posts_leaves_nothing_written(
    owner, settings, django_capture_on_commit_callbacks, posts_json, message
):
    """The task may import one post (its budget), and six sound posts come before the damage:
    still no post, photo or file is written, and the run says why."""
    run = runs.start_archive_import(
        user=owner.user,
        upload=io.BytesIO(zip_bytes({"content/posts_1.json": posts_json, **FILES})),
    )
    with django_capture_on_commit_callbacks(execute=True):  # the upload's deletion
        execute(run_id=run.pk, budget=1)
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED
    assert message in run.error_text
    assert run.error_text.startswith("This file cannot be imported:")
    assert (run.done, run.created, run.media) == (0, 0, 0)
    assert not Post.objects.exists()
    assert not Original.objects.exists()
    assert private_uploads(settings) == []  # neither the upload nor a staged copy is kept


class CountingReader(io.RawIOBase):
    """A file that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        self._file = io.BytesIO(data)
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer) -> int:
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        self.read_bytes += len(data)
        return len(data)


def test_the_posts_json_is_read_once(owner):
    """A posts JSON padded to ~180 KB (stored, not compressed) beside a few KB of media: the
    whole import reads little more than the posts JSON once."""
    padded: list[dict[str, object]] = [
        {**post, "padding": "x" * 60_000}  # type: ignore[dict-item]
        for post in POSTS
    ]
    posts_json = json.dumps(padded).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("content/posts_1.json", posts_json)
        for name, data in FILES.items():
            archive.writestr(name, data)
    media_bytes = sum(len(data) for data in FILES.values())
    source = CountingReader(buffer.getvalue())
    run = runs.create_run(user=owner.user, kind=ImportRun.Kind.ARCHIVE)
    execute(run_id=run.pk, budget=None, source=source)  # type: ignore[arg-type]
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED, run.error_text
    assert (run.total, run.created) == (3, 3)
    assert source.read_bytes < 1.3 * len(posts_json) + 2 * media_bytes
    assert source.read_bytes > len(posts_json)  # it was read, once


def test_later_tasks_import_from_the_staged_posts(
    owner, settings, django_capture_on_commit_callbacks
):
    """After the first task, its staged copy of the posts is kept beside the upload; the later
    tasks import from it, not from the posts JSON (here damaged after staging, to show it), and
    both files go when the run ends (P05)."""
    run = runs.start_archive_import(
        user=owner.user,
        upload=io.BytesIO(zip_bytes({"content/posts_1.json": POSTS, **FILES})),
    )
    execute(run_id=run.pk, budget=1)
    run.refresh_from_db()
    assert (run.state, run.total, run.done) == (ImportRun.State.QUEUED, 3, 1)
    storage = private_storage()
    staged = staged_name(run.upload_name)
    with storage.open(staged, "rb") as stream:
        assert len(stream.read().splitlines()) == 3
    assert len(private_uploads(settings)) == 2

    damaged = zip_bytes({"content/posts_1.json": b"[{oops", **FILES})
    with open(Path(storage.path(run.upload_name)), "wb") as upload:
        upload.write(damaged)
    with django_capture_on_commit_callbacks(execute=True):
        execute(run_id=run.pk, budget=None)
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED, run.error_text
    assert (run.done, run.created) == (3, 3)
    assert Post.objects.filter(owner=owner.user).count() == 3
    assert private_uploads(settings) == []


def test_erasing_the_account_mid_import_deletes_the_staged_posts(
    owner, settings, django_capture_on_commit_callbacks
):
    from mosaic.privacy.registry import category

    run = runs.start_archive_import(
        user=owner.user,
        upload=io.BytesIO(zip_bytes({"content/posts_1.json": POSTS, **FILES})),
    )
    execute(run_id=run.pk, budget=1)
    assert len(private_uploads(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        category("instagram").erase_all([owner.user])
    assert private_uploads(settings) == []
