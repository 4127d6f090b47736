from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mosaic.integrations.instagram.models import ImportRun
from mosaic.integrations.instagram.tests.conftest import connection_with_token
from mosaic.integrations.instagram.tests.test_archive_import import FILES, zip_bytes
from mosaic.integrations.instagram.tests.test_archive_layouts import POSTS
from mosaic.posts.models import Post

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "instagram-olivia.zip"
    path.write_bytes(zip_bytes({"your_instagram_activity/media/posts_1.json": POSTS, **FILES}))
    return path


def test_import_archive_imports_and_prints_a_summary(owner, archive):
    out = run("instagram_import_archive", "olivia", str(archive))
    assert "posts: 3 read, 3 created, 0 updated, 0 removed; media files stored: 4" in out
    assert "Import complete." in out
    assert Post.objects.filter(owner=owner.user, source=Post.Source.ARCHIVE).count() == 3
    again = run("instagram_import_archive", "olivia", str(archive))
    assert "3 read, 0 created, 0 updated" in again
    assert archive.exists()  # the operator's own file is left where it was


def test_import_archive_exits_non_zero_on_a_bad_archive(owner, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(zip_bytes({"../../evil.jpg": b"x", "content/posts_1.json": POSTS}))
    with pytest.raises(CommandError, match=r"This file cannot be imported: .*climbs out"):
        run("instagram_import_archive", "olivia", str(bad))
    assert not Post.objects.exists()
    assert ImportRun.objects.get().state == ImportRun.State.FAILED


def test_import_archive_refuses_an_unknown_user_or_a_missing_file(owner, archive, tmp_path):
    with pytest.raises(CommandError, match="No account with the username 'nobody'"):
        run("instagram_import_archive", "nobody", str(archive))
    with pytest.raises(CommandError, match="is not a file"):
        run("instagram_import_archive", "olivia", str(tmp_path / "missing.zip"))


def test_sync_imports_now_and_full_removes_deleted_posts(owner, stand_in, settings):
    stand_in.state.posts_per_account = 6
    stand_in.state.photo_size = 96
    settings.PHOTOS_WIDTHS = (64,)
    connection_with_token(owner.user, stand_in, age=timedelta(hours=1))
    out = run("instagram_sync", "olivia")
    assert "posts: 6 read, 6 created" in out
    first = Post.objects.filter(owner=owner.user).order_by("-taken_at")[0]
    stand_in.state.deleted.add(first.external_id)
    assert "0 read, 0 created, 0 updated, 0 removed" in run("instagram_sync", "olivia")
    assert "5 read, 0 created, 0 updated, 1 removed" in run("instagram_sync", "olivia", "--full")


def test_sync_exits_non_zero_without_a_connection_or_on_a_rate_limit(owner, stand_in):
    with pytest.raises(CommandError, match="no working Instagram connection"):
        run("instagram_sync", "olivia")
    connection_with_token(owner.user, stand_in, age=timedelta(hours=1))
    stand_in.state.fail_next("rate_limit_429")
    with pytest.raises(CommandError, match="The import is paused: Instagram asked"):
        run("instagram_sync", "olivia", "--full")
