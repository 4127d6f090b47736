"""Bad files are refused with a reason a person understands, and leave nothing behind."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from mosaic.photos.models import Original, Photo
from mosaic.photos.services import PhotoRejected, add_photo, process_pending
from mosaic.photos.storage import private_storage
from mosaic.photos.tests.images import make_image, png_claiming_size

pytestmark = pytest.mark.django_db


def refusal(owner, data: bytes, filename: str = "upload") -> str:
    with pytest.raises(PhotoRejected) as caught:
        add_photo(owner=owner.user, source=io.BytesIO(data), filename=filename)
    return caught.value.reason


def assert_nothing_stored(files) -> None:
    assert not Original.objects.exists()
    assert not Photo.objects.exists()
    assert files() == []


def test_it_refuses_a_truncated_jpeg(owner, files):
    data = make_image("JPEG", (400, 300))
    assert "truncated" in refusal(owner, data[: len(data) // 2])
    assert_nothing_stored(files)


def test_it_refuses_a_truncated_png(owner, files):
    data = make_image("PNG", (400, 300))
    assert "damaged" in refusal(owner, data[: len(data) - 200])
    assert_nothing_stored(files)


def test_it_refuses_a_file_that_is_not_an_image(owner, files):
    reason = refusal(owner, b"Hello, this is a text file pretending to be a photo.\n" * 20)
    assert reason == "this file is not an image: send a JPEG, PNG, WebP or HEIC photo"
    assert_nothing_stored(files)


def test_it_refuses_an_empty_file(owner, files):
    assert refusal(owner, b"") == "the file is empty"
    assert_nothing_stored(files)


def test_it_refuses_a_decompression_bomb_by_its_declared_pixels(owner, files):
    reason = refusal(owner, png_claiming_size(60_000, 60_000), "bomb.png")
    assert reason.startswith("the image is too large to process")
    assert_nothing_stored(files)


def test_it_refuses_an_image_over_the_configured_pixel_limit(owner, files, settings):
    settings.PHOTOS_MAX_PIXELS = 100_000
    assert "too large" in refusal(owner, make_image("JPEG", (400, 300)))
    assert_nothing_stored(files)


@pytest.mark.parametrize(("fmt", "name"), [("GIF", "GIF"), ("BMP", "BMP"), ("TIFF", "TIFF")])
def test_it_refuses_formats_it_does_not_accept_without_decoding_them(owner, files, fmt, name):
    assert refusal(owner, make_image(fmt, (64, 64))) == (
        f"{name} files are not accepted: send a JPEG, PNG, WebP or HEIC photo"
    )
    assert_nothing_stored(files)


def test_it_refuses_an_avif_although_pillow_could_read_it(owner, files):
    reason = refusal(owner, make_image("AVIF", (64, 64)))
    assert "(avif) is not accepted" in reason
    assert_nothing_stored(files)


@pytest.mark.parametrize("size", [(4000, 40), (40, 4000), (10, 10), (20_000, 2_000)])
def test_it_refuses_absurd_dimensions(owner, files, size):
    image = Image.new("L", size, 128)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert refusal(owner, buffer.getvalue()) == (
        f"the image has absurd dimensions ({size[0]}x{size[1]} pixels)"
    )
    assert_nothing_stored(files)


def test_it_refuses_a_file_over_the_size_limit(owner, files, settings):
    settings.PHOTOS_MAX_BYTES = 10_000
    data = make_image("JPEG", (400, 300), quality=95)
    assert len(data) > 10_000
    assert refusal(owner, data) == "the file is larger than 10 kB"
    assert_nothing_stored(files)


def test_a_damaged_original_in_a_batch_fails_alone_with_its_reason(add):
    good = [add(make_image("JPEG", (100 + i, 80))) for i in range(3)]
    broken = add(make_image("PNG", (90, 90)), "broken.png")
    storage = private_storage()
    with storage.open(broken.original.name, "rb") as file:
        data = file.read()
    storage.delete(broken.original.name)
    storage.save(broken.original.name, ContentFile(data[:-150]))

    assert process_pending(workers=2) == {"ready": 3, "failed": 1}

    broken.original.refresh_from_db()
    assert broken.original.status == Original.Status.FAILED
    assert "damaged" in broken.original.error
    assert not broken.original.variants.exists()
    for photo in good:
        photo.original.refresh_from_db()
        assert photo.is_ready
        assert photo.original.variants.count() == 2
