"""The avatar: through the photo pipeline, shown inline without any metadata (P05, P22),
optional and removable (P28), never half-written."""

from __future__ import annotations

import base64
import io

import pytest
from django.utils import timezone
from PIL import Image

from mosaic.photos.imaging import PhotoRejected
from mosaic.photos.models import Original, Photo
from mosaic.photos.services import add_photo, delete_photo
from mosaic.photos.storage import private_storage
from mosaic.photos.tests.images import (
    METADATA_MARKERS,
    SECRETS,
    SERIAL,
    exif_with_secrets,
    make_image,
    sources_with_secrets,
)
from mosaic.posts.models import Post
from mosaic.posts.services import NewItem, save_post
from mosaic.profiles import services
from mosaic.profiles.identity import public_identity
from mosaic.profiles.models import Profile
from mosaic.profiles.tests.conftest import upload

pytestmark = pytest.mark.django_db


def files_on_disk(tmp_path) -> list[str]:
    return sorted(str(p) for p in tmp_path.rglob("*") if p.is_file() and "mail" not in p.parts)


@pytest.mark.parametrize("filename", list(sources_with_secrets()))
def test_p22_p05_no_gps_xmp_or_icc_survives_in_the_avatar_thumbnail(owner, filename):
    source = sources_with_secrets()[filename]
    assert SERIAL.encode() in source or b"MosaicCam" in source  # the test plants real secrets

    profile = services.set_avatar(user=owner.user, source=upload(source), filename=filename)

    thumbnail = bytes(Profile.objects.get(pk=profile.pk).avatar_thumbnail)
    for secret in SECRETS + METADATA_MARKERS:
        assert secret not in thumbnail, secret
    image = Image.open(io.BytesIO(thumbnail))
    assert (image.format, image.size) == ("WEBP", (96, 96))
    assert not image.getexif()
    assert not image.info.get("icc_profile")
    assert not image.info.get("xmp")
    assert len(thumbnail) < 4000
    src = public_identity(owner.user).avatar_src
    assert src == "data:image/webp;base64," + base64.b64encode(thumbnail).decode()


def test_p05_the_avatar_original_is_kept_privately_as_uploaded(owner):
    source = make_image("JPEG", exif=exif_with_secrets())

    profile = services.set_avatar(user=owner.user, source=upload(source), filename="me.jpg")

    assert profile.avatar is not None
    with private_storage().open(profile.avatar.original.name, "rb") as file:
        assert file.read() == source  # the export gives back what was given (P20)


def test_the_thumbnail_is_the_middle_square_of_a_wide_photo(owner):
    wide = Image.new("RGB", (900, 300), (0, 0, 255))
    wide.paste((255, 0, 0), (300, 0, 600, 300))  # a red middle third between blue sides
    buffer = io.BytesIO()
    wide.save(buffer, "PNG")

    services.set_avatar(user=owner.user, source=upload(buffer.getvalue()), filename="wide.png")

    stored = bytes(Profile.objects.get(pk=owner.user.pk).avatar_thumbnail)
    pixel = Image.open(io.BytesIO(stored)).convert("RGB").getpixel((5, 48))
    assert isinstance(pixel, tuple)
    red, _green, blue = pixel
    assert red > 200  # the edge of the square is red: the blue sides were cut
    assert blue < 60


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GIF89a" + b"\x00" * 64, "GIF files are not accepted"),
        (b"%PDF-1.7 not a photo", "PDF files are not accepted"),
        (b"hello, I am text", "this file is not an image"),
        (b"", "the file is empty"),
        (make_image("JPEG")[:400], "damaged"),
    ],
)
def test_it_refuses_what_is_not_a_photo_and_writes_nothing(owner, tmp_path, data, reason):
    before = files_on_disk(tmp_path)

    with pytest.raises(PhotoRejected, match=reason):
        services.set_avatar(user=owner.user, source=upload(data), filename="x")

    assert not Profile.objects.exists()
    assert not Photo.objects.exists()
    assert files_on_disk(tmp_path) == before


def test_it_refuses_a_file_over_the_size_limit_before_reading_it_all(owner, settings):
    settings.PHOTOS_MAX_BYTES = 10_000
    data = make_image("JPEG", (1200, 1200), quality=95)
    assert len(data) > 10_000
    source = upload(data)

    with pytest.raises(PhotoRejected, match="larger than"):
        services.set_avatar(user=owner.user, source=source, filename="big.png")

    assert not Photo.objects.exists()


def test_a_refused_replacement_keeps_the_avatar_there_was(owner):
    services.set_avatar(user=owner.user, source=upload(make_image("JPEG")), filename="a.jpg")
    before = public_identity(owner.user)

    with pytest.raises(PhotoRejected):
        services.set_avatar(user=owner.user, source=upload(b"not a photo"), filename="b.txt")

    assert public_identity(owner.user) == before
    assert Photo.objects.count() == 1


def test_p28_replacing_the_avatar_deletes_the_earlier_photo_and_its_files(
    owner, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.set_avatar(
            user=owner.user, source=upload(make_image("JPEG", color=(1, 2, 3))), filename="a.jpg"
        ).avatar
    assert first is not None
    first_name = first.original.name
    assert private_storage().exists(first_name)

    with django_capture_on_commit_callbacks(execute=True):
        second = services.set_avatar(
            user=owner.user, source=upload(make_image("PNG", color=(9, 9, 9))), filename="b.png"
        ).avatar

    assert second is not None
    assert second.pk != first.pk
    assert list(Photo.objects.values_list("pk", flat=True)) == [second.pk]
    assert not Original.objects.filter(pk=first.original_id).exists()
    assert not private_storage().exists(first_name)
    assert not any(first.original.token in path for path in files_on_disk(tmp_path))


def test_p28_removing_the_avatar_shows_initials_and_deletes_its_photo(
    owner, django_capture_on_commit_callbacks
):
    owner.user.display_name = "Olivia Marsh"
    owner.user.save(update_fields=["display_name"])
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.set_avatar(
            user=owner.user, source=upload(make_image("JPEG")), filename="a.jpg"
        ).avatar
    assert photo is not None
    assert public_identity(owner.user).avatar_src

    with django_capture_on_commit_callbacks(execute=True):
        assert services.remove_avatar(user=owner.user) is True

    identity = public_identity(owner.user)
    assert (identity.avatar_src, identity.initials) == (None, "OM")
    assert not Photo.objects.exists()
    assert not private_storage().exists(photo.original.name)
    profile = Profile.objects.get(pk=owner.user.pk)  # every field blank: a valid state (P28)
    assert (profile.avatar_id, bytes(profile.avatar_thumbnail)) == (None, b"")
    assert services.remove_avatar(user=owner.user) is False


def test_an_avatar_that_is_also_a_posts_photo_stays_with_the_post_when_removed(owner):
    data = make_image("JPEG")
    photo = add_photo(owner=owner.user, source=upload(data), filename="post.jpg")
    save_post(
        owner=owner.user,
        source=Post.Source.UPLOAD,
        external_id="p1",
        caption="",
        taken_at=timezone.now(),
        permalink="",
        items=[NewItem(photo=photo)],
    )

    services.set_avatar(user=owner.user, source=upload(data), filename="me.jpg")
    # The same bytes: the same photo.
    assert Profile.objects.get(pk=owner.user.pk).avatar_id == photo.pk
    services.remove_avatar(user=owner.user)

    assert Photo.objects.filter(pk=photo.pk).exists()


def test_p22_an_avatar_photo_deleted_elsewhere_takes_its_thumbnail_along(
    owner, announced, django_capture_on_commit_callbacks
):
    photo = services.set_avatar(
        user=owner.user, source=upload(make_image("JPEG")), filename="a.jpg"
    ).avatar
    assert photo is not None

    with django_capture_on_commit_callbacks(execute=True):
        delete_photo(photo=photo)

    profile = Profile.objects.get(pk=owner.user.pk)
    assert (profile.avatar_id, bytes(profile.avatar_thumbnail)) == (None, b"")
    assert public_identity(owner.user).avatar_src is None
    assert announced() == [owner.user.pk]


def test_p22_every_change_is_announced_once_committed(
    owner, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.set_display_name(user=owner.user, display_name="Olivia")
    assert announced() == []  # nothing before the commit
    for callback in pending:
        callback()
    assert announced() == [owner.user.pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert services.set_display_name(user=owner.user, display_name=" Olivia ") is False
        services.set_avatar(user=owner.user, source=upload(make_image("JPEG")), filename="a.jpg")
        services.remove_avatar(user=owner.user)
        services.set_display_name(user=owner.user, display_name="")

    assert announced() == [owner.user.pk] * 4


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Olivia Marsh  ", "Olivia Marsh"),
        ("Ольга", "Ольга"),
        ("👩‍👩‍👧 family", "👩‍👩‍👧 family"),  # joiners stay
        ("", ""),
        ("   ", ""),
    ],
)
def test_p28_a_display_name_is_trimmed_and_may_be_empty(owner, typed, kept):
    services.set_display_name(user=owner.user, display_name=typed)

    owner.user.refresh_from_db()
    assert owner.user.display_name == kept


@pytest.mark.parametrize(
    "typed",
    ["Olivia\nMarsh", "Olivia\x00", "tab\there", "\u202eevil", "line\u2028break", "x" * 81],
)
def test_it_refuses_control_characters_and_overlong_names(owner, typed):
    with pytest.raises(services.ValidationError):
        services.set_display_name(user=owner.user, display_name=typed)

    owner.user.refresh_from_db()
    assert owner.user.display_name == ""
