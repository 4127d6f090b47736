"""Small real videos made with ffmpeg: for the Instagram stand-in, the tests and the benchmarks.

A video is only accepted once ffprobe reads it and ffmpeg cleans it (``videos.py``), so nothing
fakes one with a bare ISO header: these are real H.264/AAC (or other codec) files, drawn from
ffmpeg's test sources, with whatever metadata a test wants planted in them.
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path

from mosaic.posts.videos import FFMPEG


@functools.lru_cache(maxsize=64)
def clip(
    *,
    seconds: float = 1.0,
    size: tuple[int, int] = (64, 64),
    colour: int = 0x3366CC,
    video_codec: str = "libx264",
    audio_codec: str = "aac",
    container: str = "mp4",
    metadata: tuple[tuple[str, str], ...] = (),
    metadata_tags: bool = False,
    rate: int = 10,
    video_bitrate: str = "",
) -> bytes:
    """A clip of ``seconds`` of a moving test pattern tinted by ``colour`` (so different colours
    give different files) with a tone, in ``container`` ("mp4" or "mov"). ``metadata`` pairs go
    to the file (``-metadata key=value``); keys starting with "s:v:" to the video stream;
    ``metadata_tags`` writes any key as QuickTime ``mdta`` (how phones store
    ``com.apple.quicktime.*``); ``video_bitrate`` (e.g. "16M", a phone's 1080p) instead of
    the encoder's default quality."""
    width, height = size
    pattern = (
        f"testsrc2=size={width}x{height}:rate={rate}:duration={seconds},"
        f"drawbox=c=0x{colour:06x}@0.5:t=fill"
    )
    tags: list[str] = []
    for key, value in metadata:
        if key.startswith("s:v:"):
            tags += ["-metadata:s:v", f"{key.removeprefix('s:v:')}={value}"]
        else:
            tags += ["-metadata", f"{key}={value}"]
    audio = ["-c:a", audio_codec] if audio_codec else ["-an"]
    video = ["-c:v", video_codec]
    if video_codec == "libx264":
        video += ["-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if video_bitrate:
        video += ["-b:v", video_bitrate]
    with tempfile.TemporaryDirectory(prefix="mosaic-clip-") as folder:
        target = Path(folder) / f"clip.{container}"
        subprocess.run(  # noqa: S603 - a fixed program, arguments of our own
            [
                FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-y",
                "-f", "lavfi", "-i", pattern,
                "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                *video, *audio, "-shortest", *tags,
                *(["-movflags", "use_metadata_tags"] if metadata_tags else []),
                "-f", container, str(target),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )  # fmt: skip
        return target.read_bytes()
