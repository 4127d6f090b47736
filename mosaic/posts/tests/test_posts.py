"""Saving posts idempotently, and removing them with exactly the files no other post uses."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from mosaic.photos.models import Original, Photo
from mosaic.photos.services import PhotoRejected, add_photo
from mosaic.posts.hashtags import tag_key
from mosaic.posts.models import Comment, Post, PostItem, Video
from mosaic.posts.samples import clip
from mosaic.posts.services import (
    NewComment,
    NewItem,
    add_video,
    delete_item,
    delete_post,
    save_post,
)

pytestmark = pytest.mark.django_db
TAKEN = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
MP4 = clip()


def photo(user, colour: str) -> Photo:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    buffer.seek(0)
    return add_photo(owner=user, source=buffer, filename=f"{colour}.png")


def save(user, items, **overrides):
    values = {
        "owner": user,
        "source": Post.Source.INSTAGRAM,
        "external_id": "1790",
        "caption": "Summer #Sea #sea #море",
        "taken_at": TAKEN,
        "items": items,
    }
    return save_post(**(values | overrides))


def test_saving_the_same_post_twice_writes_nothing_the_second_time(owner):
    red = photo(owner.user, "red")
    post, created = save(owner.user, [NewItem(photo=red)])
    assert created
    assert post.hashtags == ["Sea", "море"]
    updated_at = post.updated_at

    again, created = save(owner.user, [NewItem(photo=red)])

    assert not created
    assert again.pk == post.pk
    again.refresh_from_db()
    assert again.updated_at == updated_at
    assert Post.objects.count() == 1
    assert PostItem.objects.count() == 1


def test_a_changed_caption_and_items_update_the_post_and_free_the_unused_photo(owner):
    red, blue = photo(owner.user, "red"), photo(owner.user, "blue")
    post, _ = save(owner.user, [NewItem(photo=red)])

    save(owner.user, [NewItem(photo=blue)], caption="Winter #snow")

    post.refresh_from_db()
    assert post.caption == "Winter #snow"
    assert post.hashtags == ["snow"]
    assert [item.photo_id for item in post.items.all()] == [blue.pk]
    assert not Photo.objects.filter(pk=red.pk).exists()
    assert Original.objects.count() == 1


def test_posts_are_found_by_hashtag_whatever_its_case(owner):
    save(owner.user, [NewItem(photo=photo(owner.user, "red"))])
    save(
        owner.user,
        [NewItem(photo=photo(owner.user, "blue"))],
        external_id="1791",
        caption="#seaside",
    )
    assert list(Post.objects.tagged("sea").values_list("external_id", flat=True)) == ["1790"]
    assert Post.objects.tagged(tag_key("\u041c\u041e\u0420\u0415")).count() == 1


def test_p07_deleting_a_post_keeps_a_photo_another_post_still_shows(owner):
    shared, own = photo(owner.user, "red"), photo(owner.user, "blue")
    first, _ = save(owner.user, [NewItem(photo=shared), NewItem(photo=own)])
    save(owner.user, [NewItem(photo=shared)], external_id="1791")

    delete_post(post=first)

    assert Photo.objects.filter(pk=shared.pk).exists()
    assert not Photo.objects.filter(pk=own.pk).exists()


def test_p07_deleting_one_carousel_item_keeps_the_rest_in_order(owner):
    a, b, c = (photo(owner.user, colour) for colour in ("red", "green", "blue"))
    post, _ = save(owner.user, [NewItem(photo=a), NewItem(photo=b), NewItem(photo=c)])

    delete_item(item=post.items.get(position=1))

    assert [(i.position, i.photo_id) for i in post.items.order_by("position")] == [
        (0, a.pk),
        (1, c.pk),
    ]
    assert not Photo.objects.filter(pk=b.pk).exists()


def test_p07_deleting_the_last_item_deletes_the_post(owner):
    post, _ = save(owner.user, [NewItem(photo=photo(owner.user, "red"))])
    delete_item(item=post.items.get())
    assert not Post.objects.exists()
    assert not Photo.objects.exists()


def test_comments_become_exactly_the_list_given(owner):
    post, _ = save(
        owner.user,
        [NewItem(photo=photo(owner.user, "red"))],
        comments=[NewComment("c1", "ana", "Lovely", TAKEN), NewComment("c2", "bo", "Wow", TAKEN)],
    )
    save(
        owner.user,
        [NewItem(photo=post.items.get().photo)],
        comments=[NewComment("c2", "bo", "Wow!", TAKEN)],
    )
    assert list(Comment.objects.values_list("external_id", "text")) == [("c2", "Wow!")]


def test_a_video_is_stored_once_and_deleted_with_its_last_post(owner, settings, tmp_path):
    poster = photo(owner.user, "red")
    video = add_video(owner=owner.user, source=io.BytesIO(MP4), filename="clip.mp4")
    assert add_video(owner=owner.user, source=io.BytesIO(MP4)).pk == video.pk
    post, _ = save(owner.user, [NewItem(photo=poster, video=video)])
    assert post.items.get().is_video
    stored = tmp_path / "guarded" / video.name
    assert stored.read_bytes()[4:8] == b"ftyp"
    assert video.size == stored.stat().st_size

    delete_post(post=post)

    assert not Video.objects.exists()


def test_a_file_that_is_not_a_video_is_refused_and_nothing_is_stored(owner, tmp_path):
    with pytest.raises(PhotoRejected, match="not an MP4"):
        add_video(owner=owner.user, source=io.BytesIO(b"<html>not a video</html>"), filename="x")
    assert not Video.objects.exists()
    assert not (tmp_path / "guarded" / "videos").exists()


def test_a_video_over_the_size_limit_is_refused(owner, settings):
    settings.POSTS_MAX_VIDEO_BYTES = 10
    with pytest.raises(PhotoRejected, match="larger than"):
        add_video(owner=owner.user, source=io.BytesIO(MP4))
    assert not Video.objects.exists()


def test_a_post_without_items_is_refused(owner):
    with pytest.raises(ValueError, match="at least one"):
        save(owner.user, [])
    assert not Post.objects.exists()
