"""Video cleaning figures (docs/images.md, "Videos"): what ffmpeg costs per minute of 1080p.

- video.strip_s_per_minute: seconds to clean one minute of a phone-like 1080p30 H.264/AAC video
  at 16 Mbit/s with location, device and creation-time metadata (``posts.videos.clean``: the
  streams are copied, the metadata and SEI dropped, the index moved first); best of 3, wall
  time, scaled from a ``SECONDS`` clip (the work is linear in the file's length).
- video.reencode_s_per_minute: the same for a video browsers cannot play as it is (MPEG-4 Part 2
  with MP2 sound), re-encoded to H.264/AAC; one run of a ``REENCODE_SECONDS`` clip.
- video.poster_s: one poster frame from the 1080p clip.
Run: ``python -m bench video``.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from mosaic.posts import samples, videos

SECONDS = 20.0
REENCODE_SECONDS = 5.0
SIZE = (1920, 1080)
LIMITS = videos.Limits(max_seconds=3600)
PLANTED = (
    ("creation_time", "2024-05-01T12:34:56Z"),
    ("location", "+48.8584+002.2945/"),
    ("make", "MosaicCam"),
    ("model", "Model-MOSAIC-X1"),
)

Metric = tuple[str, float, str]


def _best(work: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def run() -> Iterator[Metric]:
    with tempfile.TemporaryDirectory(prefix="mosaic-bench-video-") as folder:
        base = Path(folder)
        phone, cleaned = base / "phone.mov", base / "cleaned.mp4"
        phone.write_bytes(
            samples.clip(
                seconds=SECONDS, size=SIZE, rate=30, container="mov", metadata=PLANTED,
                video_bitrate="16M",
            )
        )  # fmt: skip
        info = videos.probe(phone, LIMITS)
        assert info.playable_as_is
        seconds = _best(lambda: videos.clean(phone, cleaned, info), rounds=3)
        megabytes = phone.stat().st_size / 1e6
        yield (
            "video.strip_s_per_minute",
            seconds * 60 / info.duration,
            f"s (1080p30 H.264/AAC, {megabytes * 8 / info.duration:.0f} Mbit/s, streams copied)",
        )
        poster = base / "poster.jpg"
        yield "video.poster_s", _best(lambda: videos.poster_frame(phone, poster, info), 3), "s"

        other = base / "other.mov"
        other.write_bytes(
            samples.clip(
                seconds=REENCODE_SECONDS, size=SIZE, rate=30, container="mov",
                video_codec="mpeg4", audio_codec="mp2", video_bitrate="16M",
            )
        )  # fmt: skip
        other_info = videos.probe(other, LIMITS)
        assert not other_info.playable_as_is
        seconds = _best(lambda: videos.clean(other, cleaned, other_info), rounds=1)
        yield (
            "video.reencode_s_per_minute",
            seconds * 60 / other_info.duration,
            "s (1080p30 MPEG-4/MP2 to H.264/AAC, libx264 veryfast)",
        )
