"""Photo pipeline figures (docs/images.md explains them).

- images.vs_sigal: our photos/s over sigal's, one core each, measured side by side (each photo
  by sigal then by us, best of 7 rounds per photo, in CPU time), for the same outputs: a 1080-
  and a 320-wide JPEG, quality 85, per corpus photo, read from disk and written to a temporary
  folder. Each side runs with its own Pillow memory settings: sigal with Pillow's defaults (it
  sets none), ours with ``imaging``'s kept blocks, which would otherwise speed sigal up too.
- images.full_set_photos_per_s, images.peak_rss_mb: every variant (WebP + JPEG at each width,
  and the placeholder) of 600 photos on every core (``batch.render_many``: one thread per core);
  peak memory of the whole process tree.
- images.full_set_cpu_ms_per_photo: the CPU time spent per photo in that run (every thread of
  this process, and any child process), which other jobs on the machine do not inflate as they
  do wall time; 2000 / it is what two idle cores would do.
- images.ssim_min, images.ssim_mean_webp: SSIM (scikit-image, RGB) of every served variant of
  ``SSIM_PHOTOS`` corpus photos against the reference resize (Lanczos from the full decode
  straight to the width): the quality the speed must not cost.
- images.bytes_per_photo_320 / _640 / _1080: average size of the served WebP at those widths
  (the JPEG fallback's too).
"""

from __future__ import annotations

import io
import logging
import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from django.conf import settings
from PIL import Image

from mosaic.photos import batch, imaging

CORPUS = Path(
    os.environ.get("MOSAIC_CORPUS", Path(__file__).resolve().parents[1] / "../shared/corpus/photos")
).resolve()
ROUNDS = 7
FULL_SET_PHOTOS = 600
SSIM_PHOTOS = 12

Metric = tuple[str, float | int, str]


def corpus() -> list[Path]:
    photos = sorted(CORPUS.glob("*.jpg"))
    if not photos:
        raise SystemExit(f"no corpus photos in {CORPUS} (set MOSAIC_CORPUS)")
    return photos


def _one_core() -> Callable[[], None]:
    """Pin this process to one core for a single-core measurement; returns the undo."""
    if not hasattr(os, "sched_setaffinity"):
        return lambda: None
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {max(before)})
    return lambda: os.sched_setaffinity(0, before)


def _ours(path: Path, out: Path) -> None:
    rendition = imaging.render(
        path.read_bytes(), widths=(320, 1080), formats=("jpeg",), with_placeholder=False
    )
    for output in rendition.outputs:
        (out / f"{path.stem}-{output.width}.jpg").write_bytes(output.data)


def _sigal(photos: list[Path], out: Path) -> list[Callable[[], object]]:
    """sigal's own per-photo work (``process_image``: the image and its thumbnail), set up for
    the same outputs as ours."""
    from sigal.gallery import Image as SigalImage
    from sigal.image import process_image
    from sigal.settings import read_settings

    config = read_settings()
    config.update(
        source=str(CORPUS),
        destination=str(out),
        img_size=(1350, 1080),  # sigal swaps the box for portraits: 1080 wide
        thumb_size=(320, 400),
        thumb_fit=False,
        jpg_options=dict(imaging.JPEG_OPTIONS),
        write_html=False,
    )
    (out / config["thumb_dir"]).mkdir(parents=True, exist_ok=True)
    return [partial(process_image, SigalImage(path.name, ".", config)) for path in photos]


# (block size, blocks kept) of Pillow's memory pool for each side: Pillow's defaults for sigal.
PILLOW_MEMORY = {
    "sigal": (16 << 20, 0),
    "ours": (imaging.PILLOW_BLOCK_SIZE, imaging.PILLOW_BLOCKS_KEPT),
}


def _pillow_memory(side: str) -> None:
    block_size, blocks_kept = PILLOW_MEMORY[side]
    Image.core.set_blocks_max(blocks_kept)  # first: frees the blocks the other side kept
    Image.core.set_block_size(block_size)


def vs_sigal(photos: list[Path]) -> Iterator[Metric]:
    """Side by side: each photo is done by sigal then by us, in every round; each side's time
    for a photo is its best round, in CPU time of this process (on a shared machine, other work
    would otherwise land on whichever side happens to be running)."""

    logging.getLogger("sigal").setLevel(logging.WARNING)
    undo = _one_core()
    try:
        with tempfile.TemporaryDirectory() as ours_dir, tempfile.TemporaryDirectory() as sigal_dir:
            theirs = _sigal(photos, Path(sigal_dir))
            best = {"ours": [float("inf")] * len(photos), "sigal": [float("inf")] * len(photos)}
            for _ in range(ROUNDS):
                for index, path in enumerate(photos):
                    for name, work in (
                        ("sigal", theirs[index]),
                        ("ours", partial(_ours, path, Path(ours_dir))),
                    ):
                        _pillow_memory(name)
                        start = time.process_time()
                        work()
                        elapsed = time.process_time() - start
                        best[name][index] = min(best[name][index], elapsed)
            # Same outputs on both sides, or the comparison means nothing.
            ours_big = Image.open(Path(ours_dir) / f"{photos[0].stem}-1080.jpg").size
            sigal_big = Image.open(Path(sigal_dir) / photos[0].name).size
            sigal_small = Image.open(Path(sigal_dir) / "thumbnails" / photos[0].name).size
            ours_small = Image.open(Path(ours_dir) / f"{photos[0].stem}-320.jpg").size
            if (ours_big, ours_small) != (sigal_big, sigal_small):
                raise SystemExit(
                    f"unequal outputs: {ours_big, ours_small} vs {sigal_big, sigal_small}"
                )
    finally:
        _pillow_memory("ours")
        undo()
    ours, sigal = sum(best["ours"]), sum(best["sigal"])
    yield "images.ours_one_core_photos_per_s", len(photos) / ours, "photos/s"
    yield "images.sigal_one_core_photos_per_s", len(photos) / sigal, "photos/s"
    yield "images.vs_sigal", sigal / ours, "x"


def _tree_rss_mb() -> float:
    """Resident memory of this process and its children (the pool's workers)."""
    total = 0
    pids = [os.getpid()]
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _unique_copies(photos: list[Path], count: int) -> Iterator[tuple[int, Callable[[], bytes]]]:
    """``count`` distinct originals from the corpus: a JPEG comment after SOI makes each copy's
    bytes (and so its content address) different without changing its pixels."""
    for index in range(count):
        path = photos[index % len(photos)]

        def read(path: Path = path, index: int = index) -> bytes:
            data = path.read_bytes()
            comment = f"copy {index}".encode()
            segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
            return data[:2] + segment + data[2:]

        yield index, read


def _cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def full_set(photos: list[Path]) -> Iterator[Metric]:
    peak = 0.0
    at_100 = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.05):
            peak = max(peak, _tree_rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sizes: dict[tuple[str, int], list[int]] = {}
    done = 0
    with tempfile.TemporaryDirectory() as out:
        sampler.start()
        cpu = _cpu_seconds()
        start = time.perf_counter()
        for key, result in batch.render_many(
            _unique_copies(photos, FULL_SET_PHOTOS), widths=tuple(settings.PHOTOS_WIDTHS)
        ):
            assert isinstance(result, imaging.Rendition), result
            for output in result.outputs:
                (Path(out) / f"{key}-{output.width}.{output.format}").write_bytes(output.data)
                sizes.setdefault((output.format, output.width), []).append(len(output.data))
            done += 1
            if done == 100:
                at_100 = peak
        elapsed = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu  # the pool has shut down: its workers are counted
        stop.set()
        sampler.join()
    yield (
        "images.full_set_photos_per_s",
        done / elapsed,
        f"photos/s ({batch.default_workers()} cores)",
    )
    yield "images.full_set_cpu_ms_per_photo", 1000 * cpu / done, "ms"
    yield "images.peak_rss_mb", peak, f"MB ({done} photos; {at_100:.0f} MB after 100)"
    for fmt in ("webp", "jpeg"):
        for width in (320, 640, 1080):
            values = sizes.get((fmt, width), [0])
            suffix = "" if fmt == "webp" else "_jpeg"
            yield f"images.bytes_per_photo_{width}{suffix}", sum(values) // len(values), "bytes"


def reference(data: bytes, width: int) -> Image.Image:
    """The best resize there is: Lanczos from the full-size decode straight to ``width``."""
    full = imaging._decode(imaging._open(data, imaging.DEFAULT_LIMITS), largest_width=None)
    if width == full.width:
        return full
    height = max(1, round(full.height * width / full.width))
    return full.resize((width, height), Image.Resampling.LANCZOS)


def ssim(expected: Image.Image, served: Image.Image) -> float:
    import numpy as np
    from skimage.metrics import structural_similarity

    return float(
        structural_similarity(
            np.asarray(expected.convert("RGB")),
            np.asarray(served.convert("RGB")),
            channel_axis=-1,
            data_range=255,
        )
    )


def quality(photos: list[Path]) -> Iterator[Metric]:
    """SSIM of every served variant of the first ``SSIM_PHOTOS`` photos against the reference."""
    scores: dict[str, list[float]] = {"webp": [], "jpeg": []}
    for path in photos[:SSIM_PHOTOS]:
        data = path.read_bytes()
        rendition = imaging.render(data, widths=tuple(settings.PHOTOS_WIDTHS))
        expected = {width: reference(data, width) for width in {o.width for o in rendition.outputs}}
        for output in rendition.outputs:
            served = Image.open(io.BytesIO(output.data))
            scores[output.format].append(ssim(expected[output.width], served))
    yield "images.ssim_min", min(scores["webp"] + scores["jpeg"]), f"({SSIM_PHOTOS} photos)"
    yield "images.ssim_mean_webp", sum(scores["webp"]) / len(scores["webp"]), ""


def run() -> Iterator[Metric]:
    photos = corpus()
    yield from vs_sigal(photos)
    yield from full_set(photos)
    yield from quality(photos)
