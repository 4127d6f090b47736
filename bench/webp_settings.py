"""The measurements behind the WebP settings per width (docs/images.md, "WebP per width").

For each candidate (quality, method) and each served width: SSIM (scikit-image, RGB) of the
served file against the reference resize, bytes, and encode CPU time (best of 3), over the first
``PHOTOS`` corpus photos, on one core. The served pixels come from the pipeline as it runs
(DCT-scaled decode, each width from the next larger one); the reference is a Lanczos resize of
the full decode straight to the width, the best a resize can do.

Run: ``python -m bench.webp_settings`` (about a minute on a quiet machine; not part of
``make bench``).
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial

import numpy as np
from PIL import Image

from bench.bench_images import corpus, reference, ssim
from mosaic.photos import imaging

PHOTOS = int(os.environ.get("MOSAIC_WEBP_PHOTOS", "12"))
WIDTHS = (320, 640, 1080)
CANDIDATES = (
    (80, 4),  # before #21, every width
    (80, 6),
    (80, 3),
    (80, 2),
    (81, 2),
    (82, 2),
    (84, 2),
    (80, 1),
    (82, 1),
    (80, 0),
    (84, 0),
)


def served_pixels(data: bytes) -> dict[int, Image.Image]:
    """The pixels the pipeline encodes at each width (``imaging.scaled_set``)."""
    return {image.width: image for image in imaging.scaled_set(data, WIDTHS)[1]}


def best_time(work: Callable[[], object], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def webp(image: Image.Image, quality: int, method: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=quality, method=method)
    return buffer.getvalue()


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **imaging.JPEG_OPTIONS)
    return buffer.getvalue()


def rows() -> Iterator[str]:
    photos = [path.read_bytes() for path in corpus()[:PHOTOS]]
    results: dict[tuple[str, int], list[tuple[float, int, float]]] = {}
    for data in photos:
        pixels = served_pixels(data)
        for width in WIDTHS:
            ref = reference(data, width)
            image = pixels[width]
            settings: list[tuple[str, Callable[[], bytes]]] = [
                (f"WebP q{q} m{m}", partial(webp, image, q, m)) for q, m in CANDIDATES
            ]
            settings.append((f"JPEG q{imaging.JPEG_OPTIONS['quality']}", partial(jpeg, image)))
            for name, encode in settings:
                out = encode()
                seconds = best_time(encode)
                score = ssim(ref, Image.open(io.BytesIO(out)))
                results.setdefault((name, width), []).append((score, len(out), seconds))
    yield "| settings | width | SSIM mean | SSIM min | bytes (mean) | encode ms (mean) |"
    yield "| --- | --- | --- | --- | --- | --- |"
    for width in WIDTHS:
        for (name, at), values in results.items():
            if at != width:
                continue
            scores = [score for score, _, _ in values]
            size = sum(size for _, size, _ in values) / len(values)
            ms = 1000 * sum(seconds for _, _, seconds in values) / len(values)
            yield (
                f"| {name} | {width} | {np.mean(scores):.4f} | {min(scores):.4f} | "
                f"{size / 1000:.1f} k | {ms:.1f} |"
            )


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mosaic.settings")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    for row in rows():
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
