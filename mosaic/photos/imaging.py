"""Decoding, checking and rendering photos with Pillow: pure functions, no Django.

Kept free of Django (the batch pool, ``batch.py``, runs it on threads beside the caller) and
safe to run on several threads at once. The refusal's text is only marked for translation
(``mosaic.lib.deferred.gettext_noop``, which needs no settings) and translated when it is
read, in the reader's language (``PhotoRejected.reason``), never on the pool's threads.
Pillow decodes, converts and encodes; libvips (pyvips) does the resizes, the same bicubic filter
in a third of the time. Why these choices: see ``docs/images.md`` (measured against sigal).

Every served file is encoded from a fresh pixel buffer with an empty ``info`` and no ``exif``,
``icc_profile`` or ``xmp`` argument, so no metadata of the original (GPS position, camera serial,
capture time, maker notes, XMP, ICC) can reach a visitor.
"""

from __future__ import annotations

import base64
import io
import logging
import os
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pillow_heif
import pyvips
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from mosaic.lib.deferred import DeferredError, gettext_noop

pillow_heif.register_heif_opener()
ImageFile.LOAD_TRUNCATED_IMAGES = False

# Pillow hands every freed image back to the system by default, so each photo's buffers (a
# 1080 x 1350 decode is 5.8 MB) are fresh pages the kernel faults in and zeroes: 8-9 ms of system
# time per photo, 8 % of its CPU (docs/images.md, "Resizes in libvips, and memory kept for
# reuse"). Pillow's own pool keeps freed blocks for the next image instead. Blocks of 1 MiB, not
# Pillow's 16: a kept block of another size is reallocated (copied) when reused, and images of
# every size are then chains of nearly equal blocks. At most PILLOW_BLOCKS_KEPT MiB stay
# allocated. Pillow's own environment variables (PILLOW_BLOCK_SIZE, PILLOW_BLOCKS_MAX) still
# win when they are set.
PILLOW_BLOCK_SIZE = 1 << 20
PILLOW_BLOCKS_KEPT = 32
if "PILLOW_BLOCK_SIZE" not in os.environ:
    Image.core.set_block_size(PILLOW_BLOCK_SIZE)
if "PILLOW_BLOCKS_MAX" not in os.environ:
    Image.core.set_blocks_max(PILLOW_BLOCKS_KEPT)

# libvips keeps recent operations for reuse; every resize here is of new pixels, so a cache
# would only hold memory. One thread per resize: the batch pool already keeps every core busy.
pyvips.cache_set_max(0)
pyvips.concurrency_set(1)
logging.getLogger("pyvips").setLevel(logging.WARNING)  # it logs its start-up at DEBUG and INFO

# Only these decoders ever see an upload; Pillow's other plugins (TIFF, BMP, PSD, EPS, ...) are
# never tried. "MPO" is what Pillow calls a phone JPEG carrying a second, multi-picture frame.
DECODERS = ("JPEG", "PNG", "WEBP", "HEIF")
# ``warnings.catch_warnings`` swaps process-wide filters: two threads of the batch pool opening
# files at once could leave the "error" filter behind (or drop it for the other). Opening reads
# only the header, so holding this lock costs nothing measurable.
_OPEN_LOCK = threading.Lock()
ACCEPTED = frozenset({*DECODERS, "MPO"})

# Signatures of common formats we refuse, to name them in the reason without decoding them.
_KNOWN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF"),
    (b"8BPS", "PSD"),
    (b"<svg", "SVG"),
    (b"<?xml", "SVG/XML"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
    (b"PK\x03\x04", "ZIP"),
)

JPEG_OPTIONS = {"quality": 85}
# WebP per width, chosen by SSIM against the reference resize, bytes and encode time
# (docs/images.md, "WebP per width"): method 2 costs 40-45 % of method 4 and one or two points
# of quality buy back the SSIM it loses, so every width is at least as close to the reference
# as before #21 (method 4, quality 80) for 10-12 % more bytes.
# Rows are (up to this width, options), narrowest first; the last row covers every wider output.
WEBP_BY_WIDTH: tuple[tuple[int, dict[str, int]], ...] = (
    (320, {"quality": 82, "method": 2}),
    (640, {"quality": 81, "method": 2}),
    (16_384, {"quality": 81, "method": 2}),
)
# Downscaling first box-averages by the largest whole factor, then a bicubic filter (Pillow's
# default for thumbnails) does the remaining less-than-2x (libvips's shrink + reduce):
# 1080 -> 320 is a 3x box then 360 -> 320, five times cheaper than Lanczos from 540
# (docs/images.md).
REDUCING_GAP = 1.0
RESAMPLE = Image.Resampling.BICUBIC  # for Pillow's own resizes (avatars)
VIPS_KERNEL = "cubic"  # the same filter, in libvips: the same pixels as Pillow's within rounding
PLACEHOLDER_WIDTH = 16


class PhotoRejected(DeferredError):
    """A file that is not a photo (or video) we accept; ``reason`` is shown to the person who sent
    it, in the language active when it is read; ``text`` carries the message and its values, so
    an import can store it and show it later in its reader's language. ``str()`` is English."""

    @property
    def reason(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Limits:
    max_pixels: int = 50_000_000
    max_side: int = 16_384
    min_side: int = 16
    max_aspect: float = 20.0


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Probe:
    """What a check of the original found: its format and its upright size."""

    format: str
    width: int
    height: int
    placeholder: str


@dataclass(frozen=True)
class Output:
    width: int
    height: int
    format: str  # "webp" or "jpeg"
    data: bytes


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    placeholder: str  # a data: URI of a tiny WebP, a few hundred bytes
    outputs: tuple[Output, ...]


# Reasons used in more than one place.
NOT_ACCEPTED = gettext_noop(
    "%(format)s files are not accepted: send a JPEG, PNG, WebP or HEIC photo"
)
DAMAGED = gettext_noop("the file is truncated or damaged and cannot be read")


def _unsupported(head: bytes) -> PhotoRejected:
    stripped = head.lstrip()
    for signature, name in _KNOWN_SIGNATURES:
        if head.startswith(signature) or stripped.startswith(signature):
            return PhotoRejected(NOT_ACCEPTED, format=name)
    if head[4:8] == b"ftyp":  # ISO media: AVIF, MP4, MOV...
        brand = head[8:12].decode("ascii", "replace").strip()
        return PhotoRejected(
            gettext_noop(
                "this ISO media file (%(brand)s) is not accepted:"
                " send a JPEG, PNG, WebP or HEIC photo"
            ),
            brand=brand,
        )
    return PhotoRejected(
        gettext_noop("this file is not an image: send a JPEG, PNG, WebP or HEIC photo")
    )


def _open(data: bytes, limits: Limits) -> Image.Image:
    """Open with the accepted decoders only, and check size before any pixel is decoded."""
    if not data:
        raise PhotoRejected(gettext_noop("the file is empty"))
    try:
        with _OPEN_LOCK, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=DECODERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard (about 89 MP) fires before ours could for the largest claims.
        raise PhotoRejected(
            gettext_noop("the image is too large to process (over %(limit)s pixels)"),
            limit=limits.max_pixels,
        ) from exc
    except UnidentifiedImageError as exc:
        raise _unsupported(data[:32]) from exc
    except Exception as exc:  # hostile files make decoders raise anything (struct.error, ...)
        raise PhotoRejected(gettext_noop("the file is damaged and cannot be read")) from exc
    if image.format not in ACCEPTED:
        raise PhotoRejected(NOT_ACCEPTED, format=str(image.format))
    width, height = image.size
    if width * height > limits.max_pixels:
        raise PhotoRejected(
            gettext_noop(
                "the image is too large to process (%(width)sx%(height)s is over %(limit)s pixels)"
            ),
            width=str(width),
            height=str(height),
            limit=limits.max_pixels,
        )
    if (
        max(width, height) > limits.max_side
        or min(width, height) < limits.min_side
        or max(width, height) > limits.max_aspect * min(width, height)
    ):
        raise PhotoRejected(
            gettext_noop("the image has absurd dimensions (%(width)sx%(height)s pixels)"),
            width=str(width),
            height=str(height),
        )
    try:
        _orientation(image)  # a PNG reads to its end for EXIF: damage can show here first
    except Exception as exc:
        raise PhotoRejected(DAMAGED) from exc
    return image


def _decode(image: Image.Image, largest_width: int | None) -> Image.Image:
    """Decode (scaled down on decode for JPEG when it helps), upright, in sRGB, no metadata."""
    if largest_width is not None and image.format in {"JPEG", "MPO"}:
        # DCT scaling: libjpeg decodes at 1/2, 1/4 or 1/8 directly, never below the request.
        # The box is in stored orientation, which may be turned by 90° relative to the display.
        upright_width = _upright_size(image)[0]
        scale = min(largest_width, upright_width) / upright_width
        image.draft("RGB", (round(image.width * scale), round(image.height * scale)))
    try:
        image.load()
    except Exception as exc:  # as above: any decoder failure is a damaged file
        raise PhotoRejected(DAMAGED) from exc
    icc = image.info.get("icc_profile")
    # exif_transpose copies even an upright image: only call it when there is a turn to make.
    upright = ImageOps.exif_transpose(image) if _orientation(image) != 1 else image
    pixels = _to_srgb(upright, icc)
    pixels.info.clear()
    return pixels


@lru_cache(maxsize=16)
def _srgb_transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform:
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    return ImageCms.buildTransform(source, ImageCms.createProfile("sRGB"), mode, "RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    if icc and image.mode in {"RGB", "CMYK", "L"}:
        try:
            return ImageCms.applyTransform(image, _srgb_transform(icc, image.mode)) or image
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to treating the pixels as sRGB
    return image.convert("RGB") if image.mode != "RGB" else image


def _orientation(image: Image.Image) -> int:
    value = image.getexif().get(0x0112, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _turned(image: Image.Image) -> bool:
    """Whether EXIF orientation turns the stored pixels by 90° for display."""
    return _orientation(image) in {5, 6, 7, 8}


def _upright_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    return (height, width) if _turned(image) else (width, height)


def probe(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Probe:
    """Refuse anything but a complete, reasonably sized photo of an accepted format; give its
    upright size and placeholder.

    Decodes the whole file (scaled down on decode for JPEG, which still reads every byte),
    so a truncated file is refused here rather than failing later in the pipeline.
    """
    image = _open(data, limits)
    fmt = "JPEG" if image.format == "MPO" else str(image.format)
    width, height = _upright_size(image)
    pixels = _decode(image, largest_width=PLACEHOLDER_WIDTH * 8)
    return Probe(format=fmt, width=width, height=height, placeholder=placeholder(pixels))


def plan_widths(source_width: int, widths: Sequence[int]) -> list[int]:
    """The widths to produce: every configured width below the source's, and the source's own
    width when it is smaller than the largest configured one (never upscaled)."""
    chosen = {width for width in widths if width < source_width}
    chosen.add(min(source_width, max(widths)))
    return sorted(chosen)


def _scaled(image: Image.Image, width: int) -> Image.Image:
    """``image`` scaled down to ``width``, as Pillow's ``resize(..., reducing_gap=1.0)`` does it:
    a box average by the largest whole factor, then bicubic for the remaining less-than-2x, in
    libvips (1080 -> 640: 5.2 ms with the copies in and out, against 16 in Pillow's scalar code).
    When the factor divides the size, the box step is Pillow's ``reduce`` (0.5 ms for 640 -> 320),
    which rounds to nearest where libvips's shrink is 0.4 levels brighter on average."""
    if width == image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    factor = int(image.width / width / REDUCING_GAP)
    if factor > 1 and image.width % factor == 0 and image.height % factor == 0:
        image = image.reduce(factor)
        if image.size == (width, height):
            return image
    source = pyvips.Image.new_from_memory(
        image.tobytes(), image.width, image.height, len(image.getbands()), "uchar"
    )
    # libvips's own box step is left for sizes the factor does not divide (its edges are right).
    resized = source.resize(
        width / image.width, vscale=height / image.height, kernel=VIPS_KERNEL, gap=REDUCING_GAP
    )
    if (resized.width, resized.height) != (width, height):  # never seen; a defect if it is
        raise RuntimeError(f"libvips made {resized.width}x{resized.height}, not {width}x{height}")
    return Image.frombytes(image.mode, (width, height), resized.write_to_memory())


def webp_options(width: int) -> dict[str, int]:
    """The WebP quality and method for an output ``width`` wide (``WEBP_BY_WIDTH``)."""
    for up_to, options in WEBP_BY_WIDTH:
        if width <= up_to:
            return options
    return WEBP_BY_WIDTH[-1][1]


def encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "jpeg":
        image.save(buffer, "JPEG", **JPEG_OPTIONS)
    elif fmt == "webp":
        image.save(buffer, "WEBP", **webp_options(image.width))
    else:
        raise ValueError(f"unknown output format {fmt!r}")
    return buffer.getvalue()


def placeholder(image: Image.Image) -> str:
    """A 16-pixel-wide WebP as a data: URI, to show blurred while the real image loads."""
    height = max(1, round(image.height * PLACEHOLDER_WIDTH / image.width))
    tiny = image.reduce(max(1, image.width // (PLACEHOLDER_WIDTH * 4))).resize(
        (PLACEHOLDER_WIDTH, height), Image.Resampling.BILINEAR
    )
    buffer = io.BytesIO()
    tiny.save(buffer, "WEBP", quality=30, method=6)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def scaled_set(
    data: bytes, widths: Sequence[int], limits: Limits = DEFAULT_LIMITS
) -> tuple[tuple[int, int], list[Image.Image]]:
    """The original's upright size and the pixels of each planned width, widest first.

    1. Open with the accepted decoders only and check the declared size (bombs, absurd sizes).
    2. Decode once, at the smallest DCT scale that still covers the largest width (JPEG).
    3. Apply EXIF orientation, convert to sRGB, drop every metadata field.
    4. Scale down widest first, each width from the next wider one (box reduce + bicubic).
    """
    image = _open(data, limits)
    # The upright size of the original, read before a DCT-scaled decode changes ``image.size``,
    # is what the page reserves space for.
    size = _upright_size(image)
    planned = plan_widths(size[0], widths)
    current = _decode(image, largest_width=max(planned))
    scaled: list[Image.Image] = []
    for target in sorted(planned, reverse=True):
        current = _scaled(current, min(target, current.width))
        scaled.append(current)
    return size, scaled


def render(
    data: bytes,
    *,
    widths: Sequence[int],
    formats: Sequence[str] = ("webp", "jpeg"),
    limits: Limits = DEFAULT_LIMITS,
    with_placeholder: bool = True,
) -> Rendition:
    """Every served file of one original: each planned width (``scaled_set``) in each format,
    every format encoded from the same scaled pixels."""
    (width, height), scaled = scaled_set(data, widths, limits)
    outputs = [
        Output(width=image.width, height=image.height, format=fmt, data=encode(image, fmt))
        for image in scaled
        for fmt in formats
    ]
    return Rendition(
        width=width,
        height=height,
        placeholder=placeholder(scaled[-1]) if with_placeholder else "",
        outputs=tuple(sorted(outputs, key=lambda output: (output.format, output.width))),
    )


def square_thumbnail(
    data: bytes, *, size: int, limits: Limits = DEFAULT_LIMITS, quality: int = 80
) -> bytes:
    """A ``size`` px square WebP of the middle of a photo (an avatar), with no metadata.

    Checked and decoded as every served file is (``_open``, ``_decode``: upright, sRGB, ``info``
    emptied), so a refused file raises ``PhotoRejected`` and no EXIF, XMP or ICC survives.
    """
    image = _open(data, limits)
    width, height = _upright_size(image)
    # Decode (DCT-scaled for JPEG) just large enough for the shorter side to cover ``size``.
    pixels = _decode(image, largest_width=-(-size * width // min(width, height)))
    square = ImageOps.fit(pixels, (size, size), method=RESAMPLE, centering=(0.5, 0.5))
    square.info.clear()
    buffer = io.BytesIO()
    square.save(buffer, "WEBP", quality=quality, method=6)
    return buffer.getvalue()
