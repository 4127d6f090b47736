"""The photo pool encodes while the import downloads: a task killed outright mid-share, with
originals handed to the pool and not yet recorded, is redone without losing or duplicating
anything."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.execution import execute
from mosaic.integrations.instagram.models import ImportRun
from mosaic.integrations.instagram.periodic import resume_instagram_imports
from mosaic.integrations.instagram.standin.data import posts_for
from mosaic.integrations.instagram.tests.conftest import connection_with_token
from mosaic.photos.models import Original, Photo, Variant
from mosaic.photos.storage import guarded_storage
from mosaic.posts.models import Post, PostItem

pytestmark = pytest.mark.django_db(transaction=True)

POSTS = 12


def _work(run_id: int) -> None:
    """The worker process: one task working on the whole run."""
    execute(run_id=run_id, budget=None)
    os._exit(0)


def _killed_mid_share(run_id: int, *, after_posts: int) -> None:
    connections.close_all()  # the child opens its own connection
    child = multiprocessing.get_context("fork").Process(target=_work, args=(run_id,))
    child.start()
    assert child.pid is not None
    pid = child.pid
    deadline = time.monotonic() + 120
    try:
        while ImportRun.objects.get(pk=run_id).done < after_posts:
            assert child.is_alive(), "the import ended before it could be killed"
            assert time.monotonic() < deadline, "the import made no progress"
            time.sleep(0.02)  # waiting for another process, not for time to pass
    finally:
        os.kill(pid, signal.SIGKILL)  # no chance to finish anything
        child.join()


def test_a_share_killed_with_photos_in_the_pool_is_redone_without_loss_or_duplicates(
    owner, stand_in, settings, tasks
):
    stand_in.state.posts_per_account = POSTS
    stand_in.state.photo_size = 96
    settings.INSTAGRAM_PAGE_SIZE = 5
    settings.PHOTOS_WIDTHS = (64,)
    settings.PHOTOS_BATCH_WORKERS = 1  # the pool starts once 5 originals wait (posts 1-3)
    settings.INSTAGRAM_IMPORT_STALE_MINUTES = 15
    connection_with_token(owner.user, stand_in, age=timedelta(hours=1))
    run = runs.start_sync(user=owner.user, enqueue=False)

    _killed_mid_share(run.pk, after_posts=5)

    run.refresh_from_db()
    assert run.state == ImportRun.State.RUNNING  # as a killed worker leaves it
    assert 5 <= run.done < POSTS
    with time_machine.travel(timezone.now() + timedelta(minutes=16)), tasks():
        assert resume_instagram_imports.call() == 1
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED
    assert (run.done, run.created) == (POSTS, POSTS)

    expected = posts_for("olivia.makes", POSTS)
    posts = Post.objects.filter(owner=owner.user)
    assert sorted(posts.values_list("external_id", flat=True)) == sorted(p.id for p in expected)
    items = PostItem.objects.filter(post__owner=owner.user)
    assert items.count() == sum(len(p.children) or 1 for p in expected)
    photos = Photo.objects.filter(owner=owner.user)
    originals = Original.objects.filter(photos__owner=owner.user).distinct()
    assert photos.count() == originals.count() == items.exclude(photo=None).count()
    assert not originals.exclude(status=Original.Status.READY).exists()
    root = Path(guarded_storage().path(""))
    for original in originals:
        variants = Variant.objects.filter(original=original)
        assert sorted(variants.values_list("width", "format")) == [(64, "jpeg"), (64, "webp")]
        # No file left beside the recorded ones by the killed task's pool.
        on_disk = {
            f"photos/{original.token}/{f.name}"
            for f in (root / "photos" / original.token).iterdir()
        }
        assert on_disk == set(variants.values_list("name", flat=True))
