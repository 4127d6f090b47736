"""Reading ZIP archives that strangers upload, without trusting anything inside them.

``SafeZip`` checks the whole central directory before any member is read, and refuses with a
clear message (``UnsafeArchive``) an archive that has:

- an entry whose name is absolute (``/x``, ``C:\\x``, ``\\\\server\\x``) or climbs with ``..``;
- a symbolic link, or an encrypted entry;
- more entries than ``max_entries``;
- an entry, or all entries together, bigger than the limits once uncompressed;
- an entry whose compression ratio is suspicious (a "zip bomb");
- entries whose data overlap, or two entries with the same name.

Names are only ever used as keys to look members up, never as paths on disk. Members are read as
streams that stop at the declared size, so memory stays bounded whatever the archive's size.
"""

from __future__ import annotations

import itertools
import posixpath
import re
import stat
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from mosaic.lib.deferred import DeferredError, gettext_noop

LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"
_DRIVE = re.compile(r"^[a-zA-Z]:")


class UnsafeArchive(DeferredError):
    """The archive is refused; the message says why, in words an uploader can act on (``text``,
    in the reader's language)."""


DAMAGED = gettext_noop("the file %(name)s in the archive is damaged")


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 50_000
    max_file_size: int = 500 * 1024 * 1024
    max_total_size: int = 8 * 1024 * 1024 * 1024
    max_ratio: int = 200
    ratio_applies_above: int = 1024 * 1024  # tiny text files compress very well, legitimately


def normalized_name(raw: str) -> str:
    """The entry's name as a clean relative POSIX path, or UnsafeArchive."""
    if "\x00" in raw:
        raise UnsafeArchive(
            gettext_noop("the entry %(name)s has a NUL character in its name"), name=repr(raw)
        )
    name = raw.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        raise UnsafeArchive(gettext_noop("the entry %(name)s has an absolute path"), name=repr(raw))
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchive(
            gettext_noop("the entry %(name)s climbs out of the archive with '..'"), name=repr(raw)
        )
    return posixpath.join(*parts) if parts else ""


class SafeZip:
    """A checked archive. Use as a context manager; ``names()`` lists the file entries."""

    def __init__(self, source: IO[bytes], *, limits: ZipLimits | None = None) -> None:
        self.limits = limits or ZipLimits()
        try:
            self._zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise UnsafeArchive(gettext_noop("this file is not a readable ZIP archive")) from exc
        except NotImplementedError as exc:
            raise UnsafeArchive(
                gettext_noop("this ZIP archive uses an unsupported feature: %(feature)s"),
                feature=str(exc),
            ) from exc
        try:
            self._members = self._check(source)
        except Exception:
            self._zip.close()
            raise

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def names(self) -> list[str]:
        return list(self._members)

    def size(self, name: str) -> int:
        return self._members[name].file_size

    def __contains__(self, name: object) -> bool:
        return name in self._members

    def open(self, name: str) -> IO[bytes]:
        """A stream of the member's bytes (bounded by its declared, checked size)."""
        try:
            info = self._members[name]
        except KeyError as exc:
            raise UnsafeArchive(
                gettext_noop("the archive has no file %(name)s"), name=repr(name)
            ) from exc
        return self._zip.open(info)

    def read(self, name: str, *, max_size: int) -> bytes:
        if self.size(name) > max_size:
            raise UnsafeArchive(
                gettext_noop("the file %(name)s is bigger than %(limit)s bytes"),
                name=repr(name),
                limit=max_size,
            )
        with self.open(name) as stream:
            try:
                return stream.read()
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise UnsafeArchive(DAMAGED, name=repr(name)) from exc

    def _check(self, source: IO[bytes]) -> dict[str, zipfile.ZipInfo]:
        limits = self.limits
        infos = self._zip.infolist()
        if len(infos) > limits.max_entries:
            raise UnsafeArchive(
                gettext_noop("the archive has %(count)s entries; at most %(limit)s are accepted"),
                count=len(infos),
                limit=limits.max_entries,
            )
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = normalized_name(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UnsafeArchive(
                    gettext_noop("the entry %(name)s is a symbolic link"), name=repr(info.filename)
                )
            if info.flag_bits & 0x1:
                raise UnsafeArchive(
                    gettext_noop("the entry %(name)s is encrypted"), name=repr(info.filename)
                )
            if info.is_dir() or not name:
                continue
            if name in members:
                raise UnsafeArchive(
                    gettext_noop("the archive has two entries named %(name)s"), name=repr(name)
                )
            if info.file_size > limits.max_file_size:
                raise UnsafeArchive(
                    gettext_noop(
                        "the entry %(name)s is %(size)s bytes uncompressed; the limit per file"
                        " is %(limit)s"
                    ),
                    name=repr(name),
                    size=info.file_size,
                    limit=limits.max_file_size,
                )
            total += info.file_size
            if total > limits.max_total_size:
                raise UnsafeArchive(
                    gettext_noop("the archive is more than %(limit)s bytes uncompressed"),
                    limit=limits.max_total_size,
                )
            if info.file_size > limits.ratio_applies_above and (
                info.file_size > limits.max_ratio * max(info.compress_size, 1)
            ):
                raise UnsafeArchive(
                    gettext_noop(
                        "the entry %(name)s has a suspicious compression ratio (a 'zip bomb')"
                    ),
                    name=repr(name),
                )
            members[name] = info
        self._check_overlaps(source, infos)
        return members

    def _check_overlaps(self, source: IO[bytes], infos: list[zipfile.ZipInfo]) -> None:
        """Each entry's local header + data must sit alone: overlapping entries let a small
        archive expand to many times its size."""
        spans: list[tuple[int, int, str]] = []
        for info in infos:
            source.seek(info.header_offset)
            header = source.read(LOCAL_HEADER.size)
            if len(header) != LOCAL_HEADER.size or header[:4] != LOCAL_HEADER_SIGNATURE:
                raise UnsafeArchive(
                    gettext_noop("the entry %(name)s points at damaged data"),
                    name=repr(info.filename),
                )
            fields = LOCAL_HEADER.unpack(header)
            name_length, extra_length = fields[9], fields[10]
            end = (
                info.header_offset
                + LOCAL_HEADER.size
                + name_length
                + extra_length
                + info.compress_size
            )
            spans.append((info.header_offset, end, info.filename))
        spans.sort()
        for (_start, end, name), (next_start, _end, next_name) in itertools.pairwise(spans):
            if next_start < end:
                raise UnsafeArchive(
                    gettext_noop("the entries %(name)s and %(other)s overlap"),
                    name=repr(name),
                    other=repr(next_name),
                )


def iter_chunks(stream: IO[bytes], size: int = 256 * 1024) -> Iterator[bytes]:
    while chunk := stream.read(size):
        yield chunk
