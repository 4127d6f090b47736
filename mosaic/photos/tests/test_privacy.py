"""P05: what a visitor can download carries nothing of the original but its pixels."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import storages
from PIL import Image

from mosaic.photos.models import Original, Variant
from mosaic.photos.storage import guarded_storage, private_storage, public_storage
from mosaic.photos.tests.images import (
    METADATA_MARKERS,
    SECRETS,
    SERIAL,
    exif_with_secrets,
    make_image,
    sources_with_secrets,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filename", list(sources_with_secrets()))
def test_p05_no_gps_serial_or_other_metadata_reaches_any_served_variant(add, on_commit, filename):
    source = sources_with_secrets()[filename]
    assert SERIAL.encode() in source or b"MosaicCam" in source  # the test plants real secrets
    with on_commit():
        photo = add(source, filename)

    photo.original.refresh_from_db()
    variants = list(Variant.objects.filter(original=photo.original))
    assert {v.format for v in variants} == {"webp", "jpeg"}
    for variant in variants:
        with guarded_storage().open(variant.name, "rb") as file:
            served = file.read()
        for secret in SECRETS + METADATA_MARKERS:
            assert secret not in served, (variant.name, secret)
        image = Image.open(io.BytesIO(served))
        assert not image.getexif()
        assert not image.info.get("icc_profile")
        assert not image.info.get("xmp")
        assert "comment" not in image.info
    assert SERIAL.encode() not in photo.placeholder.encode()


def test_p05_originals_are_stored_privately_and_have_no_url(add, on_commit, settings, tmp_path):
    with on_commit():
        photo = add(make_image("JPEG", exif=exif_with_secrets()))

    original = Original.objects.get(pk=photo.original_id)
    private_path = private_storage().path(original.name)
    media_root = (tmp_path / "media").resolve()
    assert private_path.startswith(str(tmp_path.resolve()))
    assert not private_path.startswith(str(media_root))
    with pytest.raises(ValueError, match="P05"):
        private_storage().url(original.name)
    assert all(not v.url.endswith(original.sha256) for v in photo.original.variants.all())
    # The original keeps its metadata, privately; the owner's export needs it unchanged.
    with private_storage().open(original.name, "rb") as file:
        assert SERIAL.encode() in file.read()


def test_p05_public_names_do_not_reveal_the_original_hash(add, on_commit):
    with on_commit():
        photo = add(make_image("PNG"))

    for variant in photo.original.variants.all():
        assert photo.original.sha256 not in variant.name
        assert photo.original.sha256 not in variant.url
    assert storages["photos_public"] is public_storage()
