"""An import downloads a few media files at once, ahead of the post being stored (#21), over
HTTP from the stand-in, which counts how many it answered at once and which files it sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mosaic.integrations.instagram.downloads import Downloads
from mosaic.integrations.instagram.models import ImportRun
from mosaic.integrations.instagram.periodic import resume_instagram_imports
from mosaic.integrations.instagram.standin.data import StandInMedia, posts_for
from mosaic.integrations.instagram.tests.conftest import connection_with_token
from mosaic.lib.safe_http import FetchError
from mosaic.photos.models import Original
from mosaic.posts.models import Post, PostItem

pytestmark = pytest.mark.django_db

USERNAME = "olivia.makes"


@pytest.fixture
def feed(stand_in, settings, owner):
    """12 posts (photos, carousels, videos) read 5 per page, each media file taking 0.15 s, and
    the owner connected."""
    stand_in.state.posts_per_account = 12
    stand_in.state.photo_size = 96
    stand_in.state.media_delay = 0.15
    settings.INSTAGRAM_PAGE_SIZE = 5
    settings.PHOTOS_WIDTHS = (64,)
    connection_with_token(owner.user, stand_in, age=timedelta(hours=1))
    return stand_in


def files_of(posts: list[StandInMedia]) -> int:
    """How many files these posts have (a video has its poster)."""
    parts = [part for post in posts for part in post.children or (post,)]
    return sum(2 if part.media_type == "VIDEO" else 1 for part in parts)


def items_of(count: int) -> int:
    return sum(len(post.children or (post,)) for post in posts_for(USERNAME, count))


def test_media_files_download_a_few_at_once_and_never_more(owner, feed, sync, settings):
    settings.INSTAGRAM_DOWNLOADS_AT_ONCE = 3
    run = sync(owner.user)
    assert run.state == ImportRun.State.COMPLETED
    assert 2 <= feed.state.media_most_at_once <= 3
    assert len(feed.state.media_requests) == files_of(posts_for(USERNAME, 12)) == run.media
    # Stored in the feed's order, each post with its own files.
    stored = list(
        Post.objects.filter(owner=owner.user).order_by("-taken_at").values_list("external_id")
    )
    assert [external_id for (external_id,) in stored] == [p.id for p in posts_for(USERNAME, 12)]
    items = PostItem.objects.filter(post__owner=owner.user)
    assert items.count() == items_of(12)
    assert not items.filter(photo__isnull=True).exists()


def test_one_at_a_time_when_so_configured(owner, feed, sync, settings):
    settings.INSTAGRAM_DOWNLOADS_AT_ONCE = 1
    assert sync(owner.user).state == ImportRun.State.COMPLETED
    assert feed.state.media_most_at_once == 1


def test_a_re_run_asks_for_no_file(owner, feed, sync):
    sync(owner.user)
    feed.state.media_requests.clear()
    again = sync(owner.user)
    assert again.state == ImportRun.State.COMPLETED
    assert feed.state.media_requests == []


def test_an_incremental_run_downloads_only_the_new_posts(owner, feed, sync):
    sync(owner.user)
    feed.state.posts_per_account = 14  # two new posts, newest first
    feed.state.media_requests.clear()
    run = sync(owner.user, kind=ImportRun.Kind.INCREMENTAL)
    assert (run.state, run.created) == (ImportRun.State.COMPLETED, 2)
    new = posts_for(USERNAME, 14)[:2]
    assert len(feed.state.media_requests) == files_of(new)
    assert {name.partition(".")[0] for name in feed.state.media_requests} <= {
        part.id for post in new for part in (post, *post.children)
    }


def test_expired_media_urls_retry_later_and_the_retry_stores_each_post_once(
    owner, feed, sync, tasks
):
    feed.state.media_ttl = -60  # every media URL the feed gives has already expired
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        run = sync(owner.user)
        assert run.state == ImportRun.State.PAUSED
        assert "HTTP 403" in run.error_text
        assert not Post.objects.exists()
        assert not Original.objects.exists()
        feed.state.media_ttl = 3600  # a fresh page gives fresh URLs
        traveller.shift(timedelta(minutes=5))
        with tasks():
            assert resume_instagram_imports.call() == 1
    run.refresh_from_db()
    assert (run.state, run.created) == (ImportRun.State.COMPLETED, 12)
    assert Post.objects.filter(owner=owner.user).count() == 12
    assert run.media == files_of(posts_for(USERNAME, 12))  # each file stored once, by the retry
    assert PostItem.objects.filter(post__owner=owner.user).count() == items_of(12)


def test_downloads_are_taken_in_order_and_what_is_skipped_is_dropped(feed):
    photos = [p for p in posts_for(USERNAME, 12) if p.media_type == "IMAGE"][:3]
    urls = [feed.media_url(f"{p.id}.jpg") for p in photos]
    with Downloads(2) as downloads:
        downloads.plan(urls)
        with downloads.take(urls[1]) as second:  # the first is not wanted after all
            assert second.read(3) == b"\xff\xd8\xff"
        with downloads.take(urls[2]) as third:
            assert third.read(3) == b"\xff\xd8\xff"
        with downloads.take(urls[0]) as again:  # not planned any more: downloaded now
            assert again.read(3) == b"\xff\xd8\xff"
    assert sorted(feed.state.media_requests) == sorted(
        [f"{p.id}.jpg" for p in photos] + [f"{photos[0].id}.jpg"]
    )


def test_a_refused_download_raises_where_it_is_taken(feed):
    good = feed.media_url("1.jpg")
    forged = good.replace("sig=", "sig=0")
    with Downloads(2) as downloads:
        downloads.plan([forged, good])
        with pytest.raises(FetchError, match="HTTP 403"):
            downloads.take(forged)
        with downloads.take(good) as file:
            assert file.read(3) == b"\xff\xd8\xff"
