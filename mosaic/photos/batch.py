"""Processing many photos on every core, in bounded memory.

Threads, not processes: Pillow releases the GIL while it decodes and encodes, and pyvips
(through cffi) while libvips resizes (the whole of the work but some Python glue), so one
thread per core keeps every core busy without what a process pool costs: starting interpreters
that import Pillow (~0.4 s of CPU each, again whenever a worker is replaced) and pickling every
original and every variant across. Measured on the full set: 6-14 % less CPU per photo and a
third less memory (docs/images.md, "Pool").
Decoders see nothing here that ``probe`` has not already decoded in this same kind of process
when the file arrived, so processes never were the boundary against hostile files.

The renders only decode and encode (``imaging.render``: Pillow and libvips, no Django, no
database, no storage client); the caller's thread reads originals, writes variants and records
them.
Memory stays flat whatever the count: at most ``2 * workers`` photos are in flight.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Generic, TypeVar

from mosaic.lib.deferred import gettext_noop
from mosaic.photos import imaging

K = TypeVar("K")


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


Result = imaging.Rendition | imaging.PhotoRejected


def render_many(
    sources: Iterable[tuple[K, Callable[[], bytes]]],
    *,
    widths: tuple[int, ...],
    formats: tuple[str, ...] = ("webp", "jpeg"),
    limits: imaging.Limits = imaging.DEFAULT_LIMITS,
    with_placeholder: bool = True,
    workers: int = 0,
) -> Iterator[tuple[K, Result]]:
    """Render each ``(key, read)`` source on ``workers`` threads (one per core by default),
    yielding ``(key, result)`` as each finishes (in completion order). ``read`` is called here,
    only when a slot is free, so no more than ``2 * workers`` originals are ever held at once."""
    with Renderer[K](
        widths=widths,
        formats=formats,
        limits=limits,
        with_placeholder=with_placeholder,
        workers=workers,
    ) as renderer:
        for key, read in sources:
            yield from renderer.make_room()
            renderer.submit(key, read())
        yield from renderer.finish()


class Renderer(Generic[K]):
    """A pool fed while its caller keeps working (an import hands each original over as soon
    as it is stored, and goes on downloading while the workers encode).

    ``submit`` never waits; the caller keeps memory bounded by submitting only while ``full``
    is false, or after ``make_room`` (which waits for a result). ``ready`` returns what
    finished, without waiting; ``finish`` waits for everything in flight. The threads
    start on the first ``submit``.
    """

    def __init__(
        self,
        *,
        widths: tuple[int, ...],
        formats: tuple[str, ...] = ("webp", "jpeg"),
        limits: imaging.Limits = imaging.DEFAULT_LIMITS,
        with_placeholder: bool = True,
        workers: int = 0,
    ) -> None:
        self.workers = workers or default_workers()
        self._job = (widths, formats, limits, with_placeholder)
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[Future[Result], K] = {}

    def __enter__(self) -> Renderer[K]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def full(self) -> bool:
        return len(self._pending) >= 2 * self.workers

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def submit(self, key: K, data: bytes) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=self.workers, thread_name_prefix="photos-render"
            )
        self._pending[self._pool.submit(_render_or_reason, data, *self._job)] = key

    def ready(self) -> list[tuple[K, Result]]:
        return self._collect([future for future in self._pending if future.done()])

    def make_room(self) -> list[tuple[K, Result]]:
        """Wait while the pool is full; returns what finished."""
        done: list[tuple[K, Result]] = []
        while self.full:
            finished, _ = wait(self._pending, return_when=FIRST_COMPLETED)
            done += self._collect(list(finished))
        return done + self.ready()

    def finish(self) -> Iterator[tuple[K, Result]]:
        while self._pending:
            finished, _ = wait(self._pending, return_when=FIRST_COMPLETED)
            yield from self._collect(list(finished))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending.clear()

    def _collect(self, finished: list[Future[Result]]) -> list[tuple[K, Result]]:
        return [(self._pending.pop(future), future.result()) for future in finished]


def _render_or_reason(
    data: bytes,
    widths: tuple[int, ...],
    formats: tuple[str, ...],
    limits: imaging.Limits,
    with_placeholder: bool,
) -> Result:
    """A refusal is returned, not raised, so one bad file never stops a batch."""
    try:
        return imaging.render(
            data, widths=widths, formats=formats, limits=limits, with_placeholder=with_placeholder
        )
    except imaging.PhotoRejected as exc:
        return exc
    except Exception as exc:  # a decoder bug on a hostile file: refuse the file, keep going
        return imaging.PhotoRejected(
            gettext_noop("the file could not be processed (%(error)s)"), error=type(exc).__name__
        )
