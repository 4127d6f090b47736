"""Photo test helpers: tiny images made here, with the metadata and damage each test needs."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image, TiffImagePlugin

from mosaic.photos.models import Photo
from mosaic.photos.services import add_photo

# Markers planted in the metadata of sources; none may appear in any served file.
SERIAL = "SERIAL-MOSAIC-7731"
OWNER_NAME = "OWNER-MOSAIC-Olivia"
GPS_LATITUDE = ((48, 1), (51, 1), (2467, 100))


def exif_with_secrets(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "MosaicCam"  # Make
    exif[0x0110] = "Model-MOSAIC-X1"  # Model
    exif[0x0112] = orientation
    exif[0x013B] = OWNER_NAME  # Artist
    exif[0x0132] = "2024:05:01 12:34:56"  # DateTime
    ifd = exif.get_ifd(0x8769)  # Exif IFD
    ifd[0xA431] = SERIAL  # BodySerialNumber
    ifd[0x9003] = "2024:05:01 12:34:56"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = tuple(TiffImagePlugin.IFDRational(*part) for part in GPS_LATITUDE)
    gps[3] = "E"
    gps[4] = tuple(TiffImagePlugin.IFDRational(*part) for part in ((2, 1), (17, 1), (4000, 100)))
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="48,51.4N" exif:SerialNumber="' + SERIAL.encode() + b'"/></rdf:RDF>'
    b"</x:xmpmeta>"
)


def make_image(
    fmt: str = "JPEG",
    size: tuple[int, int] = (640, 480),
    *,
    color: tuple[int, int, int] = (200, 60, 30),
    mode: str = "RGB",
    **save: object,
) -> bytes:
    """A photo-like picture (a gradient, so encoders have real work) in the given format."""
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (gradient, Image.new("L", size, color[1]), gradient.rotate(90)))
    image.paste(color, (0, 0, size[0] // 4, size[1] // 4))
    if mode != "RGB":
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A small, valid-looking PNG whose header declares a huge picture (a decompression bomb)."""
    data = make_image("PNG", (32, 32))
    body = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + body
    ihdr = struct.pack(">I", len(body)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return data[:8] + ihdr + data[8 + len(ihdr) :]


@pytest.fixture
def add(owner) -> Callable[..., Photo]:
    """Add a photo as Olivia, running the on-commit processing as a real commit would."""

    def _add(data: bytes, filename: str = "photo.jpg", *, user=None) -> Photo:
        return add_photo(owner=user or owner.user, source=io.BytesIO(data), filename=filename)

    return _add


@pytest.fixture
def files(settings, tmp_path: Path) -> Callable[[], list[Path]]:
    """Every file now on disk under the media and private folders."""

    def _files() -> list[Path]:
        return sorted(p for p in tmp_path.rglob("*") if p.is_file() and "mail" not in p.parts)

    return _files


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks) -> Callable[[], Iterator[None]]:
    return lambda: django_capture_on_commit_callbacks(execute=True)
