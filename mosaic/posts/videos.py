"""Checking and cleaning videos with Debian's ffmpeg: what a visitor downloads carries no metadata.

Every served video is written anew by ffmpeg from the original's first video and first audio
stream only (P08 / C3: no embedded metadata in anything served publicly):

- no container metadata (``-map_metadata -1`` for the file and every stream): creation time,
  location (QuickTime ``©xyz``, Apple's ``com.apple.quicktime.location.ISO6709``), make, model,
  software, titles; no chapters, no data or subtitle tracks (where phones and dashcams keep
  timed GPS); ``-fflags +bitexact`` so ffmpeg adds no tag of its own, and the creation times of
  the movie and track headers are zero;
- no H.264 SEI messages (``filter_units=remove_types=6``): encoder user data;
- ``-movflags +faststart``: the index first, so playback starts before the whole file arrives.

Streams are copied when browsers play them as they are (H.264 in 4:2:0, AAC) and re-encoded
(libx264, AAC) otherwise. Pure functions over files, no Django: limits come as arguments.
A refusal is ``PhotoRejected`` (a ``reason`` for the person), as for photos, so an import
handles both the same way.
"""

from __future__ import annotations

import json
import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mosaic.lib.deferred import Deferred, gettext_noop
from mosaic.photos.imaging import PhotoRejected

FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"
# The input is read with the QuickTime/MP4 demuxer only (never guessed): a file that says it
# is ISO media cannot turn into a playlist or another format's parser on the way in.
DEMUXER = "mov"
PLAYABLE_VIDEO = {"h264"}
PLAYABLE_PIXELS = {"yuv420p", "yuvj420p"}
PLAYABLE_AUDIO = {"aac"}
REENCODE_VIDEO = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p")
REENCODE_AUDIO = ("-c:a", "aac", "-b:a", "128k")
PROBE_TIMEOUT_S = 60


@dataclass(frozen=True)
class Limits:
    max_seconds: float
    max_side: int = 4096


@dataclass(frozen=True)
class VideoInfo:
    duration: float  # seconds
    width: int
    height: int
    video_codec: str
    pixel_format: str
    audio_codec: str  # "" when there is no sound

    @property
    def playable_as_is(self) -> bool:
        """Whether browsers play the streams without re-encoding (``-c copy``)."""
        return (
            self.video_codec in PLAYABLE_VIDEO
            and self.pixel_format in PLAYABLE_PIXELS
            and (not self.audio_codec or self.audio_codec in PLAYABLE_AUDIO)
        )


NO_PICTURE = gettext_noop("the video is damaged or has no picture")


def probe(path: Path, limits: Limits) -> VideoInfo:
    """What the file holds, or ``PhotoRejected`` with a reason (damaged, no picture, too long,
    absurd size)."""
    try:
        result = subprocess.run(  # noqa: S603 - a fixed program and our own temporary path
            [
                FFPROBE, "-v", "error", "-f", DEMUXER, "-print_format", "json",
                "-show_format", "-show_streams", str(path),
            ],
            capture_output=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise PhotoRejected(gettext_noop("the video could not be read in time")) from exc
    try:
        found = json.loads(result.stdout) if result.returncode == 0 else {}
    except ValueError:
        found = {}
    streams = found.get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        raise PhotoRejected(NO_PICTURE)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    duration = _number(found.get("format", {}).get("duration")) or _number(video.get("duration"))
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if duration is None or duration <= 0 or width <= 0 or height <= 0:
        raise PhotoRejected(NO_PICTURE)
    if duration > limits.max_seconds:
        raise PhotoRejected(
            gettext_noop(
                "the video is longer than %(limit)s (%(length)s); shorten it and send it again"
            ),
            limit=_minutes(limits.max_seconds),
            length=_minutes(duration),
        )
    if max(width, height) > limits.max_side:
        raise PhotoRejected(
            gettext_noop(
                "the video is larger than %(limit)s pixels on a side (%(width)sx%(height)s)"
            ),
            limit=str(limits.max_side),
            width=str(width),
            height=str(height),
        )
    return VideoInfo(
        duration=duration,
        width=width,
        height=height,
        video_codec=str(video.get("codec_name", "")),
        pixel_format=str(video.get("pix_fmt", "")),
        audio_codec=str(audio.get("codec_name", "")) if audio else "",
    )


def clean(source: Path, target: Path, info: VideoInfo) -> None:
    """Write ``target``: the first video and audio stream of ``source``, without metadata,
    index first; copied when playable as they are, re-encoded otherwise."""
    codecs = ["-c", "copy"] if info.playable_as_is else _reencode(info)
    _ffmpeg(
        [
            "-f", DEMUXER, "-i", str(source),
            "-map", "0:v:0", "-map", "0:a:0?", "-dn", "-sn",
            "-map_metadata", "-1", "-map_metadata:s:v", "-1", "-map_metadata:s:a", "-1",
            "-map_chapters", "-1",
            "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
            *codecs,
            "-bsf:v", "filter_units=remove_types=6",
            "-movflags", "+faststart",
            "-f", "mp4", str(target),
        ],
        timeout=_timeout(info, reencode=not info.playable_as_is),
    )  # fmt: skip


def poster_frame(source: Path, target: Path, info: VideoInfo) -> None:
    """Write a JPEG of one frame of ``source`` (a second in, or the middle of a shorter video),
    upright, for a video that came without a poster."""
    at = min(1.0, info.duration / 2)
    _ffmpeg(
        [
            "-ss", f"{at:.3f}", "-f", DEMUXER, "-i", str(source),
            "-map", "0:v:0", "-frames:v", "1", "-map_metadata", "-1",
            "-fflags", "+bitexact", "-q:v", "2", "-f", "image2", "-c:v", "mjpeg", str(target),
        ],
        timeout=PROBE_TIMEOUT_S,
    )  # fmt: skip
    if not target.exists() or target.stat().st_size == 0:
        raise PhotoRejected(gettext_noop("no frame of the video could be read for its poster"))


def _reencode(info: VideoInfo) -> list[str]:
    video = (
        ["-c:v", "copy"]
        if info.video_codec in PLAYABLE_VIDEO and info.pixel_format in PLAYABLE_PIXELS
        else list(REENCODE_VIDEO)
    )
    audio = (
        ["-c:a", "copy"]
        if not info.audio_codec or info.audio_codec in PLAYABLE_AUDIO
        else list(REENCODE_AUDIO)
    )
    return video + audio


def _timeout(info: VideoInfo, *, reencode: bool) -> float:
    """Generous bounds, so a hostile file cannot hold a worker forever: a copy is I/O, a
    re-encode at most a few times real time on a slow machine."""
    return 120 + info.duration * (10 if reencode else 1)


def _ffmpeg(arguments: list[str], *, timeout: float) -> None:
    try:
        result = subprocess.run(  # noqa: S603 - a fixed program and our own temporary paths
            [FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-y", *arguments],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PhotoRejected(gettext_noop("the video took too long to process")) from exc
    if result.returncode != 0:
        raise PhotoRejected(gettext_noop("the video is damaged and could not be processed"))


def _number(value: object) -> float | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _minutes(seconds: float) -> Deferred:
    if seconds < 120:
        return Deferred(gettext_noop("%(count)s seconds"), {"count": math.ceil(seconds)})
    return Deferred(gettext_noop("%(count)s minutes"), {"count": f"{seconds / 60:.0f}"})
