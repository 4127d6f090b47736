"""The <picture> markup pages use: srcsets, reserved space, placeholder, no inline style."""

from __future__ import annotations

import pytest
from django.template import Context, Template

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

    token = photo.original.token
    assert (
        f'srcset="/media/photos/{token}/320.webp 320w, /media/photos/{token}/640.webp 640w"' in html
    )
    assert f'src="/media/photos/{token}/640.jpeg"' in html
    assert 'width="900" height="600"' in html
    assert 'sizes="(min-width: 600px) 50vw, 100vw"' in html
    assert f'src="{photo.placeholder}"' in html
    assert "style=" not in html


def test_a_photo_still_processing_shows_its_placeholder_at_its_size(add):
    photo = add(make_image("PNG", (300, 200)))
    html = TAG.render(Context({"photo": photo}))
    assert "<picture>" not in html
    assert photo.placeholder.startswith("data:image/webp;base64,")
    assert (
        f'<img class="photo-placeholder" src="{photo.placeholder}" width="300" height="200"' in html
    )
