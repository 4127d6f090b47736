"""A page's media files, downloaded a few at a time ahead of the task that stores them (#21).

An import used to download one file, store it, then ask for the next: on Instagram's CDN each
request waits out a round trip, so 1,600 files cost 1,600 of them end to end. ``Downloads``
keeps ``INSTAGRAM_DOWNLOADS_AT_ONCE`` requests going on threads while the task stores what
arrived, in the page's order. A download only reads the network under the media policy
(``services.fetch_media``) and writes a temporary file: no database, no storage, nothing to
undo if the task dies (the files vanish with the process).

Bounded: at most ``at_once`` requests at a time, and at most ``2 x at_once`` files downloaded
and not yet taken, so a page of large videos never fills the disk. The caller says which URLs
it will take, in order (``plan``), only for posts it will really download (a re-run or an
incremental run that reached known posts asks for nothing), and takes each in that order
(``take``); an error of a download (refused, too large, unavailable) is raised by ``take``, where
it was raised before.
"""

from __future__ import annotations

import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Self

from mosaic.integrations.instagram import services


def _download(url: str) -> IO[bytes]:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (the caller of ``take`` closes it)
    try:
        services.fetch_media(url=url, into=spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


class Downloads:
    def __init__(self, at_once: int) -> None:
        self._at_once = max(1, at_once)
        self._pool = ThreadPoolExecutor(self._at_once, thread_name_prefix="instagram-download")
        self._planned: deque[str] = deque()
        self._started: deque[tuple[str, Future[IO[bytes]]]] = deque()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def plan(self, urls: list[str]) -> None:
        """The URLs the caller will ``take``, in that order."""
        self._planned.extend(urls)
        self._top_up()

    def take(self, url: str) -> IO[bytes]:
        """The downloaded file of ``url`` (the caller closes it), or the download's error. A URL
        that was not planned next is downloaded now, and the plan is dropped up to it."""
        while self._started and self._started[0][0] != url:
            self._discard(self._started.popleft()[1])
        if self._started:
            future = self._started.popleft()[1]
            self._top_up()
            return future.result()
        if url in self._planned:  # planned beyond what was started
            while self._planned.popleft() != url:
                pass
        self._top_up()
        return _download(url)

    def close(self) -> None:
        """Stop what has not started; wait for what has, and delete the files nobody took."""
        self._planned.clear()
        for _url, future in self._started:
            future.cancel()
        self._pool.shutdown(wait=True)
        while self._started:
            self._discard(self._started.popleft()[1])

    def _top_up(self) -> None:
        while self._planned and len(self._started) < 2 * self._at_once:
            url = self._planned.popleft()
            self._started.append((url, self._pool.submit(_download, url)))

    @staticmethod
    def _discard(future: Future[IO[bytes]]) -> None:
        if future.cancel():
            return
        try:
            future.result().close()
        except Exception:  # a file nobody wants: its error is nobody's either
            return
