"""The <picture> markup pages use: srcsets, reserved space, placeholder, no inline style."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from mosaic.photos.exposure import set_exposed
from mosaic.photos.models import Photo
from mosaic.photos.tests.images import make_image

pytestmark = pytest.mark.django_db

TAG = Template('{% load photos %}{% picture photo sizes="(min-width: 600px) 50vw, 100vw" %}')


def test_it_renders_a_responsive_picture_that_reserves_its_space(add, on_commit, settings):
    settings.PHOTOS_WIDTHS = (320, 640)
    with on_commit():
        added = add(make_image("JPEG", (900, 600)))
    photo = Photo.objects.with_variants().get(pk=added.pk)

    html = TAG.render(Context({"photo": photo}))

    # P31: no public site shows it, so the owner's own checked address.
    token = photo.original.token
    assert (
        f'srcset="/_media/photos/{token}/320.webp 320w, /_media/photos/{token}/640.webp 640w"'
        in html
    )
    assert f'src="/_media/photos/{token}/640.jpeg"' in html
    assert 'width="900" height="600"' in html
    assert 'sizes="(min-width: 600px) 50vw, 100vw"' in html
    assert f'src="{photo.placeholder}"' in html
    assert "style=" not in html


def test_p31_an_exposed_photo_uses_its_public_copy(add, on_commit, settings, owner):
    settings.PHOTOS_WIDTHS = (320,)
    with on_commit():
        added = add(make_image("JPEG", (900, 600)))
    with on_commit():
        set_exposed(owner_id=owner.user.pk, wanted=Photo.objects.filter(pk=added.pk))
    photo = Photo.objects.with_variants().get(pk=added.pk)

    html = TAG.render(Context({"photo": photo}))

    public = photo.original.public_token
    assert public
    assert public != photo.original.token  # a name of its own, not the guarded one
    assert f'src="/media/photos/{public}/320.jpeg"' in html
    assert photo.original.token not in html


def test_a_photo_still_processing_shows_its_placeholder_at_its_size(add):
    photo = add(make_image("PNG", (300, 200)))
    html = TAG.render(Context({"photo": photo}))
    assert "<picture>" not in html
    assert photo.placeholder.startswith("data:image/webp;base64,")
    assert (
        f'<img class="photo-placeholder" src="{photo.placeholder}" width="300" height="200"' in html
    )
