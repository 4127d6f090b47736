"""Processing many photos on every core, in bounded memory.

Worker processes only decode and encode (``imaging.render``: pure Pillow, no Django, no
database, no storage client); this process reads originals, writes variants and records them.
Memory stays flat whatever the count: at most ``2 * workers`` photos are in flight, and each
worker is replaced after ``TASKS_PER_WORKER`` photos so no allocator growth accumulates.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

from mosaic.photos import imaging

TASKS_PER_WORKER = 200
K = TypeVar("K")


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def render_many(
    sources: Iterable[tuple[K, Callable[[], bytes]]],
    *,
    widths: tuple[int, ...],
    formats: tuple[str, ...] = ("webp", "jpeg"),
    limits: imaging.Limits = imaging.DEFAULT_LIMITS,
    with_placeholder: bool = True,
    workers: int = 0,
) -> Iterator[tuple[K, imaging.Rendition | imaging.PhotoRejected]]:
    """Render each ``(key, read)`` source in a pool of processes, yielding ``(key, result)`` as
    each finishes (in completion order). ``read`` is called here, only when a slot is free, so
    no more than ``2 * workers`` originals are ever held at once."""
    workers = workers or default_workers()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        max_tasks_per_child=TASKS_PER_WORKER,
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
    pending: dict[Future[imaging.Rendition | imaging.PhotoRejected], K] = {}
    queue = iter(sources)
    try:
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < 2 * workers:
                item = next(queue, None)
                if item is None:
                    exhausted = True
                    break
                key, read = item
                future = pool.submit(
                    _render_or_reason, read(), widths, formats, limits, with_placeholder
                )
                pending[future] = key
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _exit_with_parent(parent: int) -> None:
    """Runs in each worker: if the parent is killed outright (no shutdown), stop too instead of
    waiting forever on the task queue."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _render_or_reason(
    data: bytes,
    widths: tuple[int, ...],
    formats: tuple[str, ...],
    limits: imaging.Limits,
    with_placeholder: bool,
) -> imaging.Rendition | imaging.PhotoRejected:
    """Runs in a worker: a refusal is returned, not raised, so one bad file never stops a batch."""
    try:
        return imaging.render(
            data, widths=widths, formats=formats, limits=limits, with_placeholder=with_placeholder
        )
    except imaging.PhotoRejected as exc:
        return exc
    except Exception as exc:  # a decoder bug on a hostile file: refuse the file, keep going
        return imaging.PhotoRejected(f"the file could not be processed ({type(exc).__name__})")
