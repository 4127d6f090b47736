"""The ingest buffer: accepted events wait here until the flush writes them in batches.

Accepting an event is one append, handed to the operating system before the response goes
out, so a web process killed (even with SIGKILL) right after answering loses nothing. Two
backends, chosen by ``STATS_BUFFER``:

- ``spool`` (default, one machine): each web process appends JSON lines to its own file in
  ``STATS_SPOOL_DIR``, holding an ``flock`` on the file. ``STATS_SPOOL_SYNC_MS`` says
  when the appends reach the disk itself, which only matters if the *machine* goes down: by
  default (1000) an append ``fdatasync``s the file once the last sync is a second old, so a
  power cut loses at most about a second of views, like Redis's ``appendfsync everysec``;
  ``0`` syncs before every answer, concurrent requests sharing one sync (group commit). A sync
  costs ~150 µs of CPU, more than answering the beacon itself.
- ``redis`` (several web machines): ``RPUSH`` onto one list; durability is Redis's (AOF).

The flush *claims* what has accumulated as segments (the spool renames each file under its
lock; Redis renames the list atomically), then reads a claimed segment from a position that is
stored in the database in the same transaction as the events written from it
(``BufferProgress``). A flush killed at any moment therefore resumes exactly where its last
transaction ended: nothing is lost, nothing is counted twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import redis
from django.conf import settings

OPEN, CLAIMED = ".open", ".claimed"


class Segment(Protocol):
    name: str

    def read(self, position: int, limit: int) -> tuple[list[bytes], int]:
        """Up to ``limit`` complete lines from ``position``, and the position after them."""
        ...

    def discard(self) -> None: ...


class Buffer(Protocol):
    def append(self, line: bytes) -> None: ...

    def claim(self) -> None: ...

    def segments(self) -> list[Segment]: ...


# --- spool files ------------------------------------------------------------------------------


@dataclass
class FileSegment:
    name: str
    path: Path

    def read(self, position: int, limit: int) -> tuple[list[bytes], int]:
        lines: list[bytes] = []
        if not self.path.exists():  # another flush finished and discarded it
            return lines, position
        with self.path.open("rb") as source:
            source.seek(position)
            while len(lines) < limit:
                line = source.readline()
                if not line.endswith(b"\n"):
                    # A torn last line was never acknowledged (the sync comes after the write).
                    break
                lines.append(line[:-1])
                position += len(line)
        return lines, position

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class SpoolBuffer:
    def __init__(self, directory: Path, *, sync_seconds: float) -> None:
        self.directory = directory
        self.sync_seconds = sync_seconds
        self._last_sync = time.monotonic()
        self._lock = threading.Lock()
        self._sync = threading.Condition()
        self._fd: int | None = None
        self._path: Path | None = None
        self._written = 0  # appends made, and appends known to be on disk (group commit)
        self._synced = 0
        self._syncing = False

    def _open_new(self) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex}{OPEN}"
        self._path = self.directory / name
        self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o600)
        return self._fd

    def _still_ours(self, fd: int) -> bool:
        """False once the flush has claimed (renamed) our file: write to a new one then."""
        try:
            return self._path is not None and os.stat(self._path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            return False

    def append(self, line: bytes) -> None:
        with self._lock:
            fd = self._fd if self._fd is not None else self._open_new()
            fcntl.flock(fd, fcntl.LOCK_EX)
            if not self._still_ours(fd):
                fcntl.flock(fd, fcntl.LOCK_UN)
                self._retire(fd)
                fd = self._open_new()
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                os.write(fd, line + b"\n")
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
            self._written += 1
            mine = self._written
        if self.sync_seconds == 0 or time.monotonic() - self._last_sync >= self.sync_seconds:
            self._wait_synced(mine)

    def _retire(self, fd: int) -> None:
        """Sync and close a file the flush claimed: every append made to it is then durable."""
        os.fdatasync(fd)
        os.close(fd)
        with self._sync:
            self._synced = max(self._synced, self._written)
            self._sync.notify_all()

    def _wait_synced(self, mine: int) -> None:
        """Group commit: one thread syncs for every append made before it started."""
        with self._sync:
            while self._synced < mine:
                if self._syncing:
                    self._sync.wait()
                    continue
                self._syncing = True
                # Read without the append lock (whose holder may be waiting for this one in
                # _retire): appends counted in `target` are in `fd` or in a retired file,
                # which _retire synced before closing.
                target = self._written
                fd = self._fd
                self._sync.release()
                try:
                    if fd is not None:
                        with contextlib.suppress(OSError):  # closed by _retire: synced there
                            os.fdatasync(fd)
                finally:
                    self._sync.acquire()
                    self._syncing = False
                    self._synced = max(self._synced, target)
                    self._last_sync = time.monotonic()
                    self._sync.notify_all()

    def claim(self) -> None:
        if not self.directory.is_dir():
            return
        for path in self.directory.glob(f"*{OPEN}"):
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # waits for an append in progress to finish
                with contextlib.suppress(FileNotFoundError):
                    path.rename(path.with_suffix(CLAIMED))
            finally:
                os.close(fd)

    def segments(self) -> list[Segment]:
        if not self.directory.is_dir():
            return []
        return [
            FileSegment(name=f"spool:{path.name}", path=path)
            for path in sorted(self.directory.glob(f"*{CLAIMED}"))
        ]


# --- Redis ------------------------------------------------------------------------------------

_CLAIM = """
if redis.call('exists', KEYS[1]) == 1 then
  redis.call('rename', KEYS[1], KEYS[2])
  redis.call('sadd', KEYS[3], KEYS[2])
end
"""


@dataclass
class RedisSegment:
    name: str
    key: str
    client: redis.Redis
    claimed_set: str

    def read(self, position: int, limit: int) -> tuple[list[bytes], int]:
        found = self.client.lrange(self.key, position, position + limit - 1)
        lines = [line.encode() if isinstance(line, str) else line for line in found]
        return lines, position + len(lines)

    def discard(self) -> None:
        pipe = self.client.pipeline()
        pipe.delete(self.key)
        pipe.srem(self.claimed_set, self.key)
        pipe.execute()


class RedisBuffer:
    def __init__(self, url: str, prefix: str) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.key = f"{prefix}buffer"
        self.claimed_set = f"{prefix}claimed"
        self.prefix = prefix

    def append(self, line: bytes) -> None:
        self.client.rpush(self.key, line)

    def claim(self) -> None:
        claimed = f"{self.prefix}claimed:{uuid.uuid4().hex}"
        self.client.eval(_CLAIM, 3, self.key, claimed, self.claimed_set)

    def segments(self) -> list[Segment]:
        keys = sorted(
            key if isinstance(key, str) else key.decode()
            for key in self.client.smembers(self.claimed_set)
        )
        return [
            RedisSegment(
                name=f"redis:{key}", key=key, client=self.client, claimed_set=self.claimed_set
            )
            for key in keys
        ]


_buffers: dict[tuple[str, ...], Buffer] = {}
_buffers_lock = threading.Lock()


def get_buffer() -> Buffer:
    """The buffer this process appends to (one per configuration, so tests can switch)."""
    if settings.STATS_BUFFER == "redis":
        config: tuple[str, ...] = ("redis", settings.STATS_REDIS_URL, settings.STATS_REDIS_PREFIX)
    else:
        config = ("spool", str(settings.STATS_SPOOL_DIR), str(settings.STATS_SPOOL_SYNC_MS))
    with _buffers_lock:
        buffer = _buffers.get(config)
        if buffer is None:
            if config[0] == "redis":
                buffer = RedisBuffer(config[1], config[2])
            else:
                buffer = SpoolBuffer(
                    Path(config[1]), sync_seconds=settings.STATS_SPOOL_SYNC_MS / 1000
                )
            _buffers[config] = buffer
        return buffer


def all_lines(buffer: Buffer) -> Iterator[bytes]:
    """Every line of every claimed segment (tests and the bench use it to look inside)."""
    for segment in buffer.segments():
        position = 0
        while True:
            lines, position = segment.read(position, 10_000)
            if not lines:
                break
            yield from lines
