"""Processing a backlog on every core; the command and the pool's results."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from mosaic.photos import batch, imaging
from mosaic.photos.models import Original, Variant
from mosaic.photos.tests.images import make_image

pytestmark = pytest.mark.django_db


def test_a_backlog_of_many_photos_is_processed_by_the_command(add, settings):
    settings.PHOTOS_WIDTHS = (32, 64)
    photos = [add(make_image("JPEG" if i % 2 else "PNG", (80 + i, 60))) for i in range(40)]
    assert Original.objects.filter(status=Original.Status.PENDING).count() == 40

    out = io.StringIO()
    call_command("photos_process", "--workers", "2", stdout=out)

    assert out.getvalue().strip() == "40 ready, 0 failed"
    assert not Original.objects.exclude(status=Original.Status.READY).exists()
    assert Variant.objects.count() == 40 * 2 * 2
    for index, photo in enumerate(photos):
        photo.original.refresh_from_db()
        assert (photo.width, photo.height) == (80 + index, 60)
        assert [v.width for v in photo.variants] == [32, 64, 32, 64]
        assert photo.placeholder.startswith("data:image/webp;base64,")


def test_the_pool_returns_refusals_instead_of_stopping():
    sources = [
        ("good", lambda: make_image("JPEG", (64, 48))),
        ("text", lambda: b"not an image at all"),
        ("bomb", lambda: make_image("PNG", (300, 300))),
    ]
    results = dict(
        batch.render_many(
            sources, widths=(32,), limits=imaging.Limits(max_pixels=50_000), workers=2
        )
    )
    assert isinstance(results["good"], imaging.Rendition)
    assert isinstance(results["text"], imaging.PhotoRejected)
    assert "not an image" in results["text"].reason
    assert isinstance(results["bomb"], imaging.PhotoRejected)
    assert "too large" in results["bomb"].reason


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_it_accepts_each_supported_format(add, on_commit, fmt):
    with on_commit():
        photo = add(make_image(fmt, (120, 90)), f"photo.{fmt.lower()}")
    photo.original.refresh_from_db()
    assert photo.original.format == fmt
    assert photo.is_ready
    assert {(v.format, v.width, v.height) for v in photo.variants} == {
        ("jpeg", 120, 90),
        ("webp", 120, 90),
    }
