"""C3 for videos: what is served carries no metadata; bad videos are refused with a reason.

Real files throughout: clips made by Debian's ffmpeg (``posts.samples``) with markers planted in
the places phones put them, read back with ffprobe and searched byte by byte.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from mosaic.photos.services import PhotoRejected, process_pending
from mosaic.photos.storage import guarded_storage
from mosaic.posts.models import Video
from mosaic.posts.samples import clip
from mosaic.posts.services import add_poster, add_video

pytestmark = pytest.mark.django_db

TAKEN = dt.datetime(2024, 5, 1, 12, 34, 56, tzinfo=dt.UTC)
SERIAL = "SERIAL-MOSAIC-7731"
MAKE, MODEL = "MosaicCam", "Model-MOSAIC-X1"
PLACE = "+48.8584+002.2945/"  # ISO 6709, as QuickTime's ©xyz and Apple's location key hold it
MARKERS = (SERIAL, MAKE, MODEL, "48.8584", "002.2945", "©xyz", "ISO6709", "2024-05-01")
# What phones write, two ways: QuickTime user data (©xyz, ©mak, ©mod) in a .mov, and Apple's
# com.apple.quicktime.* keys (mdta) in an .mp4; both with a creation time and a stream title.
PLANTED = {
    "quicktime-udta": {
        "container": "mov",
        "metadata": (
            ("creation_time", TAKEN.isoformat()),
            ("location", PLACE),
            ("location-eng", PLACE),
            ("make", MAKE),
            ("model", MODEL),
            ("s:v:title", SERIAL),
            ("s:v:creation_time", TAKEN.isoformat()),
        ),
    },
    "apple-keys": {
        "container": "mp4",
        "metadata_tags": True,
        "metadata": (
            ("creation_time", TAKEN.isoformat()),
            ("com.apple.quicktime.location.ISO6709", PLACE),
            ("com.apple.quicktime.make", MAKE),
            ("com.apple.quicktime.model", MODEL),
            ("com.apple.quicktime.creationdate", "2024-05-01T14:34:56+0200"),
            ("com.apple.quicktime.software", SERIAL),
        ),
    },
}


def mac_time(moment: dt.datetime) -> bytes:
    """A QuickTime header time: seconds since 1904 as 32 bits, how mvhd/tkhd/mdhd store it."""
    return struct.pack(">I", int((moment - dt.datetime(1904, 1, 1, tzinfo=dt.UTC)).total_seconds()))


def ffprobe(data: bytes, tmp_path: Path) -> dict:
    path = tmp_path / "probe.mp4"
    path.write_bytes(data)
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         str(path)],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    return json.loads(result.stdout)


def served(video: Video) -> bytes:
    with guarded_storage().open(video.name, "rb") as file:
        return file.read()


@pytest.mark.parametrize("planted", PLANTED, ids=list(PLANTED))
def test_c3_no_creation_time_location_or_device_reaches_a_served_video(owner, tmp_path, planted):
    source = clip(seconds=1.0, **PLANTED[planted])  # type: ignore[arg-type]
    # The markers really are in what the phone would send...
    found = ffprobe(source, tmp_path)
    tags = json.dumps(found["format"].get("tags", {})) + json.dumps(
        [s.get("tags", {}) for s in found["streams"]]
    )
    assert MAKE in tags
    assert "48.8584" in tags
    assert "creation_time" in tags
    assert mac_time(TAKEN) in source

    video = add_video(owner=owner.user, source=io.BytesIO(source), filename="IMG_0001.MOV")

    # ...and none of them in what visitors download.
    data = served(video)
    cleaned = ffprobe(data, tmp_path)
    assert set(cleaned["format"].get("tags", {})) <= {
        "major_brand", "minor_version", "compatible_brands",
    }  # fmt: skip
    for stream in cleaned["streams"]:
        assert set(stream.get("tags", {})) <= {"language", "handler_name", "vendor_id"}
        assert stream["codec_type"] in {"video", "audio"}
    for marker in MARKERS:
        assert marker.encode() not in data, marker
    assert mac_time(TAKEN) not in data
    # The index (moov) comes before the media (mdat): playback starts at once (faststart).
    assert 0 < data.index(b"moov") < data.index(b"mdat")
    assert {s["codec_name"] for s in cleaned["streams"]} == {"h264", "aac"}


def test_h264_and_aac_are_copied_not_reencoded(owner, tmp_path):
    source = clip(seconds=2.0, colour=0x11AA44)
    video = add_video(owner=owner.user, source=io.BytesIO(source))

    def packets(data: bytes) -> list[int]:
        path = tmp_path / "packets.mp4"
        path.write_bytes(data)
        result = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
             "packet=size", "-of", "csv=p=0", str(path)],
            capture_output=True, check=True, text=True, timeout=60,
        )  # fmt: skip
        return [int(line) for line in result.stdout.split()]

    before, after = packets(source), packets(served(video))
    # Identical frames, only the first packet loses its SEI (encoder notes) to the filter.
    assert len(before) == len(after)
    assert before[1:] == after[1:]
    assert after[0] < before[0]


def test_other_codecs_are_reencoded_to_h264_and_aac(owner, tmp_path):
    source = clip(seconds=1.0, video_codec="mpeg4", audio_codec="mp2", container="mov")
    assert {s["codec_name"] for s in ffprobe(source, tmp_path)["streams"]} == {"mpeg4", "mp2"}

    video = add_video(owner=owner.user, source=io.BytesIO(source))

    cleaned = ffprobe(served(video), tmp_path)
    assert {s["codec_name"] for s in cleaned["streams"]} == {"h264", "aac"}
    assert float(cleaned["format"]["duration"]) == pytest.approx(1.0, abs=0.2)


def test_a_video_over_the_length_limit_is_refused_with_its_length(owner, settings, tmp_path):
    settings.POSTS_MAX_VIDEO_SECONDS = 2
    with pytest.raises(PhotoRejected, match=r"longer than 2 seconds \(4 seconds\)"):
        add_video(owner=owner.user, source=io.BytesIO(clip(seconds=3.5)))
    assert not Video.objects.exists()
    assert not (tmp_path / "guarded" / "videos").exists()


def test_a_russian_owner_reads_the_length_limit_in_russian(owner, settings):
    settings.POSTS_MAX_VIDEO_SECONDS = 2
    with pytest.raises(PhotoRejected) as caught:
        add_video(owner=owner.user, source=io.BytesIO(clip(seconds=3.5)))
    with translation.override("ru"):
        assert caught.value.reason == (
            "видео длиннее 2 сек. (4 сек.): сократите его и пришлите снова"  # noqa: RUF001
        )


def test_a_damaged_video_is_refused_and_nothing_is_stored(owner, tmp_path):
    whole = clip(seconds=1.0, colour=0x884400)
    for damaged in (
        whole[: len(whole) // 3],  # cut short: the index is at the end
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free",
        whole[:64] + bytes(range(256)) * 40,
    ):
        with pytest.raises(PhotoRejected, match="damaged"):
            add_video(owner=owner.user, source=io.BytesIO(damaged))
    assert not Video.objects.exists()
    assert not (tmp_path / "guarded" / "videos").exists()


def test_a_video_too_large_in_pixels_is_refused(owner, settings):
    with pytest.raises(PhotoRejected, match="larger than 4096 pixels"):
        add_video(owner=owner.user, source=io.BytesIO(clip(size=(4112, 16), audio_codec="")))
    assert not Video.objects.exists()


def test_a_poster_is_made_from_a_frame_when_none_came_with_the_video(
    owner, django_capture_on_commit_callbacks
):
    video = add_video(owner=owner.user, source=io.BytesIO(clip(size=(96, 64), colour=0xFF0000)))

    poster = add_poster(owner=owner.user, video=video)

    assert poster is not None
    assert (poster.width, poster.height) == (96, 64)
    process_pending()
    poster.original.refresh_from_db()
    variants = list(poster.original.variants.all())
    assert variants
    with guarded_storage().open(variants[0].name, "rb") as file:
        assert Image.open(io.BytesIO(file.read())).size == (96, 64)
