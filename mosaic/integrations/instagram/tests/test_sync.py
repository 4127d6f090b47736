"""Syncing the feed from the stand-in over HTTP into posts."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.execution import execute
from mosaic.integrations.instagram.models import ImportRun, InstagramConnection, SeenMedia
from mosaic.integrations.instagram.periodic import resume_instagram_imports, sync_instagram_feeds
from mosaic.integrations.instagram.standin.data import posts_for
from mosaic.integrations.instagram.standin.server import COMMENTS_SCOPE
from mosaic.integrations.instagram.tests.conftest import connection_with_token
from mosaic.photos.models import Original, Photo
from mosaic.posts.models import Comment, Post, PostItem
from mosaic.websites.publishing import site_folder
from mosaic.websites.services import create_site, publish

pytestmark = pytest.mark.django_db

USERNAME = "olivia.makes"


@pytest.fixture
def feed(stand_in, settings):
    """A small feed (12 posts: photos, carousels, videos) read 5 per page."""
    stand_in.state.posts_per_account = 12
    stand_in.state.photo_size = 96
    settings.INSTAGRAM_PAGE_SIZE = 5
    settings.PHOTOS_WIDTHS = (64,)
    return stand_in


@pytest.fixture
def connected(owner, feed):
    return connection_with_token(owner.user, feed, age=timedelta(hours=1))


def snapshot(user) -> list[tuple]:
    posts = Post.objects.filter(owner=user).prefetch_related("items", "comments")
    return [
        (
            p.pk,
            p.external_id,
            p.caption,
            p.taken_at,
            p.permalink,
            p.updated_at,
            [(i.kind, i.photo_id, i.video_id, i.external_id) for i in p.items.all()],
            [(c.external_id, c.text) for c in p.comments.all()],
        )
        for p in posts.order_by("pk")
    ]


def test_a_full_sync_imports_every_post_with_carousels_videos_and_hashtags(owner, connected, sync):
    run = sync(owner.user)
    assert run.state == ImportRun.State.COMPLETED
    assert (run.done, run.total, run.created) == (12, 12, 12)
    posts = Post.objects.filter(owner=owner.user, source=Post.Source.INSTAGRAM)
    expected = {post.id: post for post in posts_for(USERNAME, 12)}
    assert set(posts.values_list("external_id", flat=True)) == set(expected)

    carousel = posts.get(external_id=next(p.id for p in expected.values() if p.children))
    assert [i.external_id for i in carousel.items.all()] == [
        c.id for c in expected[carousel.external_id].children
    ]
    video_post = posts.get(
        external_id=next(p.id for p in expected.values() if p.media_type == "VIDEO")
    )
    video_item = video_post.items.get()
    assert video_item.kind == PostItem.Kind.VIDEO
    assert video_item.video is not None
    assert video_item.photo is not None
    tagged = posts.filter(caption__startswith="Новая коллекция")[0]
    assert tagged.hashtags == ["мода", "новинки"]
    assert tagged.permalink.startswith("https://www.instagram.com/p/")
    assert posts.filter(caption="").exists()  # Instagram omits an empty caption
    videos = PostItem.objects.filter(kind=PostItem.Kind.VIDEO).count()  # one file, the same
    assert run.media == Photo.objects.filter(owner=owner.user).count() + videos
    # Without the comments scope, comments are skipped without failing the run.
    assert run.comments_denied
    assert not Comment.objects.exists()


def test_comments_are_imported_when_the_scope_allows(owner, feed, sync):
    connection = connection_with_token(owner.user, feed, age=timedelta(hours=1))
    connection.access_token = feed.state.issue_token(
        USERNAME, scopes=("instagram_business_basic", COMMENTS_SCOPE)
    )
    connection.save()
    run = sync(owner.user)
    assert not run.comments_denied
    post = Post.objects.filter(owner=owner.user)[0]
    assert [(c.author, c.text) for c in post.comments.all()] == [
        ("ana.paints", "Lovely light ✨"),
        ("boris_k", "Где это? #вопрос"),
    ]


def test_an_idempotent_re_run_changes_nothing_and_downloads_nothing(owner, connected, sync):
    sync(owner.user)
    before, originals = snapshot(owner.user), Original.objects.count()
    again = sync(owner.user)
    assert again.state == ImportRun.State.COMPLETED
    assert (again.created, again.updated, again.removed, again.media) == (0, 0, 0, 0)
    assert snapshot(owner.user) == before
    assert Original.objects.count() == originals


def test_an_incremental_sync_stops_at_the_posts_already_imported(owner, connected, feed, sync):
    sync(owner.user)
    feed.state.posts_per_account = 14  # two new posts on Instagram
    feed.state.requests.clear()
    run = sync(owner.user, kind=ImportRun.Kind.INCREMENTAL)
    assert run.state == ImportRun.State.COMPLETED
    assert (run.done, run.created) == (2, 2)
    assert Post.objects.filter(owner=owner.user).count() == 14
    pages = [r for r in feed.state.requests if r.startswith("/v23.0/me/media")]
    assert pages == ["/v23.0/me/media"]  # the first page was enough


def test_a_full_sync_removes_the_posts_deleted_on_instagram(owner, connected, feed, sync):
    sync(owner.user)
    gone = posts_for(USERNAME, 12)[3]
    feed.state.deleted.add(gone.id)
    incremental = sync(owner.user, kind=ImportRun.Kind.INCREMENTAL)
    assert incremental.removed == 0  # only a complete full sync may conclude a post is gone
    run = sync(owner.user)
    assert run.removed == 1
    ids = set(Post.objects.filter(owner=owner.user).values_list("external_id", flat=True))
    assert gone.id not in ids
    assert len(ids) == 11
    assert InstagramConnection.objects.get().last_full_sync_at is not None


def test_p05_a_full_sync_keeps_posts_from_a_data_download(owner, connected, sync, tasks):
    from mosaic.integrations.instagram.tests.test_archive_import import import_archive

    with tasks():
        import_archive(owner.user)
    sync(owner.user)
    assert Post.objects.filter(owner=owner.user, source=Post.Source.ARCHIVE).count() == 3


def test_a_rate_limit_pauses_the_run_and_the_periodic_job_resumes_it(
    owner, connected, feed, sync, tasks
):
    # /me, page 1, one comments call (refused: no scope, so no more), page 2 pass; page 3 fails.
    feed.state.fail_next("rate_limit_429", after=4)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        run = sync(owner.user)
        assert run.state == ImportRun.State.PAUSED
        assert run.done == 10
        assert run.cursor
        assert run.resume_after == timezone.now() + timedelta(seconds=120)
        assert "slow down" in run.error_text
        assert resume_instagram_imports.call() == 0  # not due yet
        traveller.shift(timedelta(seconds=121))
        with tasks():
            assert resume_instagram_imports.call() == 1
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED
    assert (run.done, run.created) == (12, 12)
    assert Post.objects.filter(owner=owner.user).count() == 12
    assert not SeenMedia.objects.exists()


def test_an_error_code_4_rate_limit_also_pauses(owner, connected, feed, sync):
    feed.state.fail_next("rate_limit", after=1)
    run = sync(owner.user)
    assert run.state == ImportRun.State.PAUSED
    assert run.resume_after > timezone.now()


def test_a_run_resumes_mid_page_after_a_failure_without_duplicates(owner, feed, sync, tasks):
    connection = connection_with_token(owner.user, feed, age=timedelta(hours=1))
    connection.access_token = feed.state.issue_token(
        USERNAME, scopes=("instagram_business_basic", COMMENTS_SCOPE)
    )
    connection.save()
    # /me, page 1, 5 comment calls, page 2, the comments of post 6 pass; post 7's fail.
    feed.state.fail_next("server_error", after=9)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        run = sync(owner.user)
        assert run.state == ImportRun.State.PAUSED
        assert run.done == 6
        assert "tries again" in run.error_text
        feed.state.requests.clear()
        traveller.shift(timedelta(minutes=5))
        with tasks():
            resume_instagram_imports.call()
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED
    assert (run.done, run.created) == (12, 12)
    assert Post.objects.filter(owner=owner.user).count() == 12
    pages = [r for r in feed.state.requests if r.startswith("/v23.0/me/media")]
    assert pages[0].startswith("/v23.0/me/media?after=")  # page 2 again, not from the start
    assert len([r for r in feed.state.requests if r.endswith("/comments")]) == 6  # posts 7-12


def test_a_run_whose_worker_died_is_resumed_by_the_periodic_job(owner, connected, settings, tasks):
    settings.INSTAGRAM_IMPORT_STALE_MINUTES = 15
    run = runs.start_sync(user=owner.user, enqueue=False)
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING)  # then killed
    assert resume_instagram_imports.call() == 0  # it might still be working
    with time_machine.travel(timezone.now() + timedelta(minutes=16)), tasks():
        assert resume_instagram_imports.call() == 1
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED
    assert Post.objects.filter(owner=owner.user).count() == 12


def test_error_190_marks_the_connection_broken_and_ends_the_run(
    owner, connected, feed, mailoutbox, sync
):
    feed.state.fail_next("invalid_token", after=4)  # on page 3 (see the rate-limit test)
    run = sync(owner.user)
    assert run.state == ImportRun.State.FAILED
    assert "error 190" in run.error_text
    connection = InstagramConnection.objects.get()
    assert connection.status == InstagramConnection.Status.BROKEN
    assert connection.access_token == ""
    assert len(mailoutbox) == 1
    assert Post.objects.filter(owner=owner.user).count() == 10  # what came in stays


def test_a_due_token_is_refreshed_before_the_sync(owner, feed, sync):
    connection = connection_with_token(owner.user, feed, age=timedelta(days=55))
    old = connection.access_token
    assert sync(owner.user).state == ImportRun.State.COMPLETED
    connection.refresh_from_db()
    assert connection.access_token != old
    assert connection.token_expires_at > timezone.now() + timedelta(days=59)


def test_media_from_a_host_off_the_allow_list_are_refused_and_the_posts_skipped(
    owner, connected, settings, sync
):
    settings.INSTAGRAM_MEDIA_HOSTS = ["cdninstagram.com"]
    run = sync(owner.user)
    assert run.state == ImportRun.State.COMPLETED
    assert not Post.objects.exists()
    assert not Original.objects.exists()
    assert any("not on the allow-list" in warning for warning in run.warning_texts())
    with translation.override("ru"):  # the download's refusal too, in the reader's language
        assert any(
            "нет в списке разрешённых серверов медиафайлов" in warning
            for warning in run.warning_texts()
        )


def test_a_second_sync_now_joins_the_run_under_way(owner, connected):
    first = runs.start_sync(user=owner.user, enqueue=False)
    assert runs.start_sync(user=owner.user, enqueue=False).pk == first.pk
    done = execute(run_id=first.pk, budget=None)
    assert done is not None
    assert done.state == ImportRun.State.COMPLETED


def test_a_long_import_is_split_into_short_tasks(owner, connected, settings, sync):
    settings.INSTAGRAM_IMPORT_POSTS_PER_TASK = 5
    run = sync(owner.user)  # the immediate backend runs each continuation
    assert run.state == ImportRun.State.COMPLETED
    assert Post.objects.filter(owner=owner.user).count() == 12


def test_the_periodic_job_syncs_due_connections_once(owner, connected, other_owner, feed, tasks):
    broken = connection_with_token(other_owner.user, feed, age=timedelta(hours=1))
    broken.status = InstagramConnection.Status.BROKEN
    broken.save()
    with tasks():
        assert sync_instagram_feeds.call() == 1
    run = ImportRun.objects.get()
    assert (run.kind, run.state) == (ImportRun.Kind.FULL, ImportRun.State.COMPLETED)
    assert sync_instagram_feeds.call() == 0  # not due again for INSTAGRAM_SYNC_INTERVAL_HOURS
    with time_machine.travel(timezone.now() + timedelta(hours=7)), tasks():
        assert sync_instagram_feeds.call() == 1
        assert ImportRun.objects.all()[0].kind == ImportRun.Kind.INCREMENTAL


def test_an_import_publishes_the_site_once_when_every_variant_is_ready(
    owner, connected, tasks, settings, caplog
):
    """Posts are saved without a republish each and photos without a task each: the run makes
    the variants on every core after each share of its work, and the site is rebuilt once, at
    the end, showing every post."""
    settings.INSTAGRAM_IMPORT_POSTS_PER_TASK = 5  # three tasks for the 12 posts
    with tasks():
        site = create_site(owner=owner.user, slug="olivia-makes", title="Olivia")
        publish(site=site)  # published once, empty, before the import
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="django_tasks"), tasks():
        runs.start_sync(user=owner.user, kind=ImportRun.Kind.FULL)

    assert ImportRun.objects.get().state == ImportRun.State.COMPLETED
    ran = [
        record.getMessage().split("path=")[1].split()[0]
        for record in caplog.records
        if "state=RUNNING" in record.getMessage()
    ]
    assert ran.count("mosaic.integrations.instagram.tasks.run_import") == 3
    assert ran.count("mosaic.websites.tasks.publish_site") == 1
    assert ran[-1] == "mosaic.websites.tasks.publish_site"
    assert "mosaic.photos.tasks.process_photo" not in ran
    assert Original.objects.exists()
    assert not Original.objects.exclude(status=Original.Status.READY).exists()
    site.refresh_from_db()
    page = (site_folder(site.slug) / site.published_build / "index.html").read_text()
    for post in Post.objects.filter(owner=owner.user).with_items():
        cover = post.cover
        assert cover is not None
        assert cover.photo is not None
        assert cover.photo.original.token in page or cover.photo.original.public_token in page
