"""Tiny test images made with Pillow, with the metadata and damage each test needs."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageCms, TiffImagePlugin

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


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def swapped_primaries_profile() -> bytes:
    """An RGB display profile whose red is sRGB's blue and whose blue is sRGB's red: a source
    pixel (255, 0, 0) tagged with it is blue, so colour management is plainly visible."""
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    d50 = (0.9642, 1.0, 0.8249)

    def xyz(v: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + b"".join(_s15(c) for c in v)

    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, int(2.2 * 256)) + b"\0\0"
    text = b"Swapped primaries\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * (4 + 4 + 2 + 1 + 67)
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(d50)),
        (b"rXYZ", xyz(blue)),
        (b"gXYZ", xyz(green)),
        (b"bXYZ", xyz(red)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, blob = b"", b""
    for signature, data in tags:
        padded = data + b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(blob), len(data))
        blob += padded
    body = struct.pack(">I", len(tags)) + table + blob
    header = (
        struct.pack(">I", 128 + len(body))
        + b"\0\0\0\0"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + b"".join(_s15(c) for c in d50)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + body


# What no served file may carry: the planted secrets, and the markers of EXIF, XMP and ICC.
SECRETS = [SERIAL.encode(), OWNER_NAME.encode(), b"MosaicCam", b"Model-MOSAIC-X1", b"2024:05:01"]
METADATA_MARKERS = [b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"XMP ", b"EXIF", b"ICCP", b"ICC_"]


def sources_with_secrets() -> dict[str, bytes]:
    """A photo in each accepted format with GPS, serial, XMP and an ICC profile planted."""
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = exif_with_secrets()
    return {
        "photo.jpg": make_image("JPEG", exif=exif, xmp=XMP, icc_profile=srgb, comment=SERIAL),
        "photo.png": make_image("PNG", exif=exif, icc_profile=srgb),
        "photo.webp": make_image("WEBP", exif=exif, xmp=XMP, icc_profile=srgb),
        "photo.heic": make_image("HEIF", exif=exif, xmp=XMP),
    }
