"""What the pipeline serves: upright, sRGB, the right widths and formats, a tiny placeholder."""

from __future__ import annotations

import base64
import io
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import pytest
from PIL import Image
from skimage.metrics import structural_similarity

from mosaic.photos import imaging
from mosaic.photos.storage import guarded_storage
from mosaic.photos.tests.images import exif_with_secrets, make_image, swapped_primaries_profile

pytestmark = pytest.mark.django_db

RED, BLUE = (255, 0, 0), (0, 0, 255)


def red_top_blue_bottom_stored_on_its_side() -> bytes:
    """Stored 300x600 with red on the left: EXIF orientation 6 says 'turn 90° clockwise to
    view', so upright it is 600x300 with red at the top."""
    stored = Image.new("RGB", (300, 600), BLUE)
    stored.paste(RED, (0, 0, 150, 600))
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=95, exif=exif_with_secrets(orientation=6))
    return buffer.getvalue()


def close(pixel: object, expected: tuple[int, int, int]) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) < 40 for a, b in zip(pixel, expected, strict=False))


def test_it_applies_exif_orientation_to_every_variant(add, on_commit):
    with on_commit():
        photo = add(red_top_blue_bottom_stored_on_its_side())

    photo.original.refresh_from_db()
    assert (photo.width, photo.height) == (600, 300)
    variants = photo.variants
    assert variants
    for variant in variants:
        with guarded_storage().open(variant.name, "rb") as file:
            image = Image.open(io.BytesIO(file.read())).convert("RGB")
        assert image.width > image.height
        assert close(image.getpixel((image.width // 2, image.height // 5)), RED)
        assert close(image.getpixel((image.width // 2, image.height * 4 // 5)), BLUE)


def test_it_serves_each_width_below_the_original_in_webp_and_jpeg(add, on_commit, settings):
    settings.PHOTOS_WIDTHS = (320, 640, 1080)
    with on_commit():
        photo = add(make_image("JPEG", (800, 1000)))

    photo.original.refresh_from_db()
    sizes = [(v.format, v.width, v.height) for v in photo.variants]
    assert sizes == [
        ("jpeg", 320, 400),
        ("jpeg", 640, 800),
        ("jpeg", 800, 1000),
        ("webp", 320, 400),
        ("webp", 640, 800),
        ("webp", 800, 1000),
    ]
    assert photo.srcset("webp").count("w,") == 2
    assert photo.srcset("webp").endswith(" 800w")
    fallback = photo.fallback()
    assert fallback is not None
    assert fallback.width == 800
    assert fallback.url.startswith("/_media/photos/")  # P31: not public until a site shows it


def test_it_never_upscales_a_small_photo(add, on_commit):
    with on_commit():
        photo = add(make_image("PNG", (200, 150)))

    photo.original.refresh_from_db()
    assert {(v.width, v.height) for v in photo.variants} == {(200, 150)}


def test_it_gives_a_placeholder_of_a_few_hundred_bytes(add, on_commit):
    with on_commit():
        photo = add(make_image("JPEG", (1200, 900)))

    photo.original.refresh_from_db()
    prefix = "data:image/webp;base64,"
    assert photo.placeholder.startswith(prefix)
    assert len(photo.placeholder) < 600
    tiny = Image.open(io.BytesIO(base64.b64decode(photo.placeholder.removeprefix(prefix))))
    assert tiny.size == (16, 12)


def test_it_converts_colours_to_srgb(add, on_commit):
    """A pure red pixel under a profile whose red primary is sRGB's blue is really blue."""
    tagged = io.BytesIO()
    Image.new("RGB", (64, 64), RED).save(tagged, "PNG", icc_profile=swapped_primaries_profile())
    with on_commit():
        photo = add(tagged.getvalue(), "tagged.png")

    photo.original.refresh_from_db()
    assert photo.variants
    for variant in photo.variants:
        with guarded_storage().open(variant.name, "rb") as file:
            image = Image.open(io.BytesIO(file.read()))
        assert not image.info.get("icc_profile")
        assert close(image.convert("RGB").getpixel((32, 32)), BLUE)


def test_it_flattens_transparency_on_white(add, on_commit):
    transparent = io.BytesIO()
    Image.new("RGBA", (64, 64), (0, 0, 0, 0)).save(transparent, "PNG")
    with on_commit():
        photo = add(transparent.getvalue(), "clear.png")

    photo.original.refresh_from_db()
    for variant in photo.variants:
        with guarded_storage().open(variant.name, "rb") as file:
            image = Image.open(io.BytesIO(file.read()))
        assert image.mode == "RGB"
        assert close(image.getpixel((5, 5)), (255, 255, 255))


def test_it_scales_large_jpegs_on_decode_without_changing_their_size():
    data = make_image("JPEG", (3000, 2000), exif=exif_with_secrets(orientation=8))
    rendition = imaging.render(data, widths=(320, 1080))
    assert (rendition.width, rendition.height) == (2000, 3000)
    assert [(o.format, o.width, o.height) for o in rendition.outputs] == [
        ("jpeg", 320, 480),
        ("jpeg", 1080, 1620),
        ("webp", 320, 480),
        ("webp", 1080, 1620),
    ]


@pytest.mark.parametrize(
    ("source", "widths", "planned"),
    [
        (1080, (320, 640, 1080, 1440), [320, 640, 1080]),
        (4032, (320, 640, 1080, 1440), [320, 640, 1080, 1440]),
        (800, (320, 640, 1080), [320, 640, 800]),
        (200, (320, 640), [200]),
    ],
)
def test_it_plans_widths_for_phones_and_tablets(source, widths, planned):
    assert imaging.plan_widths(source, widths) == planned


@pytest.mark.parametrize(
    ("mode", "fmt", "fill", "expected"),
    [
        ("I;16", "PNG", 40000, (156, 156, 156)),
        ("L", "JPEG", 100, (100, 100, 100)),
        ("CMYK", "JPEG", (0, 255, 255, 0), (255, 0, 0)),
        ("1", "PNG", 1, (255, 255, 255)),
        ("LA", "PNG", (100, 255), (100, 100, 100)),
        ("RGBA", "WEBP", (0, 0, 255, 255), (0, 0, 255)),
    ],
)
def test_it_serves_rgb_from_every_pixel_mode(mode, fmt, fill, expected):
    source = io.BytesIO()
    Image.new(mode, (200, 150), fill).save(source, fmt)
    rendition = imaging.render(source.getvalue(), widths=(100,))
    for output in rendition.outputs:
        image = Image.open(io.BytesIO(output.data))
        assert image.mode == "RGB"
        assert close(image.getpixel((50, 37)), expected)


def textured_photo(size: tuple[int, int]) -> bytes:
    """A JPEG with gradients, a fine pattern and grain: what a bad resize visibly harms."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.stack([x * 255 / width, y * 255 / height, (x + y) * 255 / (width + height)], -1)
    pixels += 40 * (np.sin(x / 7.0) * np.cos(y / 11.0))[..., None]
    pixels += np.random.default_rng(7).normal(0, 12, pixels.shape)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def ssim(expected: Image.Image, served: Image.Image) -> float:
    return float(
        structural_similarity(
            np.asarray(expected), np.asarray(served.convert("RGB")), channel_axis=-1, data_range=255
        )
    )


def test_the_fast_path_stays_close_to_the_best_resize():
    """Decoded at half size by DCT scaling, each width made from the next wider one, WebP at
    method 2: every variant is still close (SSIM >= 0.95) to a Lanczos resize of the full
    decode. (Measured: 0.956-0.987; nearest-neighbour steps instead of box + bicubic drop the
    WebP ones to 0.938-0.950, a nearest-neighbour resize of the full decode scores 0.88-0.92.)"""
    data = textured_photo((1600, 2000))
    full = Image.open(io.BytesIO(data)).convert("RGB")
    rendition = imaging.render(data, widths=(320, 640))
    assert [(o.format, o.width) for o in rendition.outputs] == [
        ("jpeg", 320),
        ("jpeg", 640),
        ("webp", 320),
        ("webp", 640),
    ]
    for output in rendition.outputs:
        best = full.resize((output.width, output.height), Image.Resampling.LANCZOS)
        served = ssim(best, Image.open(io.BytesIO(output.data)))
        assert served >= 0.95, (output.format, output.width, served)


def test_each_width_gets_its_measured_webp_settings():
    """The 320 px WebP is encoded with the settings measured for it, not the wider ones'
    (docs/images.md): re-encoding its pixels with each width's options finds its own bytes."""
    rendition = imaging.render(textured_photo((1600, 2000)), widths=(320, 640, 1080))
    webps = {o.width: o for o in rendition.outputs if o.format == "webp"}
    assert set(webps) == {320, 640, 1080}
    assert imaging.webp_options(320) != imaging.webp_options(1080)
    pixels = {
        image.width: image
        for image in imaging.scaled_set(textured_photo((1600, 2000)), (320, 640, 1080))[1]
    }
    for width, output in webps.items():
        again = io.BytesIO()
        pixels[width].save(again, "WEBP", **imaging.webp_options(width))
        assert again.getvalue() == output.data


@pytest.mark.parametrize(
    ("source", "width"),
    [((1080, 1350), 640), ((640, 800), 320), ((1080, 1350), 1000), ((333, 1351), 17)],
)
def test_libvips_resizes_as_pillows_bicubic_would(source, width):
    """The resizes run in libvips for speed (docs/images.md), with the filter Pillow used before
    (box by the whole factor, then bicubic): the same size, and pixels within rounding of
    Pillow's (a bilinear or Lanczos kernel differs by several times more on a textured photo)."""
    image = Image.open(io.BytesIO(textured_photo(source))).convert("RGB")
    height = max(1, round(source[1] * width / source[0]))
    ours = np.asarray(imaging._scaled(image, width)).astype(int)
    pillows = np.asarray(
        image.resize((width, height), Image.Resampling.BICUBIC, reducing_gap=1.0)
    ).astype(int)
    assert ours.shape == (height, width, 3)
    difference = np.abs(ours - pillows)
    assert difference.max() <= 8, difference.max()
    assert difference.mean() < 1.0, difference.mean()


def test_renders_on_several_threads_at_once_match_one_at_a_time():
    """The batch pool renders on one thread per core, and libvips and Pillow each keep state
    (libvips's threads, Pillow's kept memory blocks): every file is byte for byte what a render
    on its own makes."""
    photos = [textured_photo((900 + 60 * index, 1100)) for index in range(6)]
    render = partial(imaging.render, widths=(320, 640, 1080))
    alone = [render(data) for data in photos]
    with ThreadPoolExecutor(max_workers=3) as pool:
        together = list(pool.map(render, photos))
    assert together == alone
