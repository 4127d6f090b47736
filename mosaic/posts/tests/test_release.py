"""Removing a post deletes its photos only when nothing else uses them: the same file added again
by its owner is the same photo, so a post's photo can also be the owner's avatar (P28) or a
site's avatar, and those stay, with their files (P07: the owner removes the post, not them)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.core.files.storage import Storage
from PIL import Image

from mosaic.photos.models import Original, Photo
from mosaic.photos.services import add_photo, process_pending
from mosaic.photos.storage import guarded_storage, private_storage
from mosaic.posts.models import Post
from mosaic.posts.services import NewItem, delete_item, delete_post, save_post
from mosaic.profiles import services as profiles
from mosaic.profiles.models import Profile
from mosaic.websites import services as websites
from mosaic.websites.models import Site

pytestmark = pytest.mark.django_db
TAKEN = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): ...`` runs what waits for the commit (file deletions) at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def photo_of(user, data: bytes, filename: str = "post.png") -> Photo:
    photo = add_photo(owner=user, source=io.BytesIO(data), filename=filename)
    process_pending()
    return Photo.objects.get(pk=photo.pk)


def post_of(user, *photos: Photo, external_id: str = "p1") -> Post:
    post, _ = save_post(
        owner=user,
        source=Post.Source.UPLOAD,
        external_id=external_id,
        caption="",
        taken_at=TAKEN,
        items=[NewItem(photo=photo) for photo in photos],
    )
    return post


def files_of(photo: Photo) -> Iterator[tuple[Storage, str]]:
    """Every file of the photo: its private original and its variants."""
    original = Original.objects.get(pk=photo.original_id)
    yield private_storage(), original.name
    for name in original.variants.values_list("name", flat=True):
        yield guarded_storage(), name


def all_exist(files: list[tuple[Storage, str]]) -> bool:
    return all(storage.exists(name) for storage, name in files)


def none_exist(files: list[tuple[Storage, str]]) -> bool:
    return not any(storage.exists(name) for storage, name in files)


def as_avatar(user, data: bytes) -> Photo:
    avatar = profiles.set_avatar(user=user, source=io.BytesIO(data), filename="me.png").avatar
    assert avatar is not None
    return avatar


@pytest.fixture
def post_and_avatar(owner, commit) -> tuple[Photo, Post]:
    """One file that is both a post's photo and the owner's avatar: one photo (same bytes)."""
    data = png("red")
    with commit():
        photo = photo_of(owner.user, data)
        post = post_of(owner.user, photo)
        assert as_avatar(owner.user, data).pk == photo.pk
    return photo, post


def test_p07_p28_deleting_a_post_keeps_its_photo_that_is_the_owners_avatar_with_its_files(
    owner, commit, post_and_avatar
):
    photo, post = post_and_avatar
    files = list(files_of(photo))
    assert len(files) > 1  # the original and its variants
    assert all_exist(files)

    with commit():
        delete_post(post=post)

    assert not Post.objects.exists()
    profile = Profile.objects.get(pk=owner.user.pk)
    assert profile.avatar_id == photo.pk
    assert bytes(profile.avatar_thumbnail)
    assert all_exist(files)


@pytest.mark.parametrize("site_deleted", [False, True], ids=["live", "in-quarantine"])
def test_p07_deleting_a_post_keeps_its_photo_that_is_a_sites_avatar_with_its_files(
    owner, commit, site_deleted
):
    """A deleted site keeps its avatar too while the owner can still restore it (P08)."""
    with commit():
        photo = photo_of(owner.user, png("red"))
        post = post_of(owner.user, photo)
        site = websites.create_site(owner=owner.user, slug="olivia", title="Olivia")
        websites.choose_avatar(site=site, photo=photo)
        if site_deleted:
            websites.delete_site(site=site)
    files = list(files_of(photo))

    with commit():
        delete_post(post=post)

    assert Site.objects.get(pk=site.pk).avatar_id == photo.pk
    assert all_exist(files)
    if site_deleted:
        assert websites.restore_site(site=site)


def test_p07_deleting_one_item_keeps_its_photo_that_is_the_owners_avatar(owner, commit):
    data = png("red")
    with commit():
        photo, other = photo_of(owner.user, data), photo_of(owner.user, png("blue"), "b.png")
        post = post_of(owner.user, photo, other)
        as_avatar(owner.user, data)

    with commit():
        delete_item(item=post.items.get(photo=photo))

    assert Profile.objects.get(pk=owner.user.pk).avatar_id == photo.pk
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_p07_p28_a_carousel_deleted_at_once_keeps_exactly_the_photos_still_used(owner, commit):
    avatar_data = png("red")
    with commit():
        avatar = photo_of(owner.user, avatar_data, "a.png")
        site_avatar = photo_of(owner.user, png("green"), "s.png")
        unused = [photo_of(owner.user, png(c), f"{c}.png") for c in ("blue", "white", "black")]
        post = post_of(owner.user, avatar, *unused[:2], site_avatar, unused[2])
        as_avatar(owner.user, avatar_data)
        site = websites.create_site(owner=owner.user, slug="olivia", title="Olivia")
        websites.choose_avatar(site=site, photo=site_avatar)
    gone = [file for photo in unused for file in files_of(photo)]
    kept = [file for photo in (avatar, site_avatar) for file in files_of(photo)]

    with commit():
        delete_post(post=post)

    assert set(Photo.objects.values_list("pk", flat=True)) == {avatar.pk, site_avatar.pk}
    assert all_exist(kept)
    assert none_exist(gone)


def test_p28_an_avatar_replaced_while_its_photo_is_a_posts_photo_keeps_the_photo(
    owner, commit, post_and_avatar
):
    photo, _post = post_and_avatar
    files = list(files_of(photo))

    with commit():
        replacement = as_avatar(owner.user, png("blue"))

    assert replacement.pk != photo.pk
    assert Photo.objects.filter(pk=photo.pk, post_items__isnull=False).exists()
    assert all_exist(files)


def test_p28_erasing_profiles_keeps_an_avatar_that_is_a_posts_photo(owner, commit, post_and_avatar):
    photo, _post = post_and_avatar

    with commit():
        profiles.erase_profiles(user_ids=[owner.user.pk])

    assert not Profile.objects.exists()
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_p07_p28_the_avatar_kept_after_its_post_goes_when_the_avatar_is_removed(
    owner, commit, post_and_avatar
):
    photo, post = post_and_avatar
    files = list(files_of(photo))
    with commit():
        delete_post(post=post)

    with commit():
        assert profiles.remove_avatar(user=owner.user)

    assert not Photo.objects.exists()
    assert not Original.objects.exists()
    assert none_exist(files)


def test_p07_with_nothing_else_using_it_a_deleted_posts_photo_goes_with_its_files(owner, commit):
    with commit():
        photo = photo_of(owner.user, png("red"))
        post = post_of(owner.user, photo)
        websites.create_site(owner=owner.user, slug="olivia", title="Olivia")  # no avatar
        profiles.set_display_name(user=owner.user, display_name="Olivia")
    files = list(files_of(photo))
    assert all_exist(files)

    with commit():
        delete_post(post=post)

    assert not Photo.objects.exists()
    assert not Original.objects.exists()
    assert none_exist(files)
