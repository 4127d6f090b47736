from __future__ import annotations

import io
import stat
import struct
import zipfile
from collections.abc import Sequence

import pytest

from mosaic.lib.zipsafe import SafeZip, UnsafeArchive, ZipLimits

pytestmark = pytest.mark.django_db  # the shared autouse fixture clears the database cache


def build(entries: Sequence[tuple[str | zipfile.ZipInfo, bytes]], **kwargs) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, **kwargs) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


def refusal(source: io.BytesIO, **limits) -> str:
    with pytest.raises(UnsafeArchive) as caught:
        SafeZip(source, limits=ZipLimits(**limits))
    return str(caught.value)


def test_it_reads_a_plain_archive_as_streams():
    source = build([("photos/a.jpg", b"jpeg bytes"), ("posts_1.json", b"[]"), ("empty/", b"")])
    with SafeZip(source) as archive:
        assert sorted(archive.names()) == ["photos/a.jpg", "posts_1.json"]
        with archive.open("photos/a.jpg") as stream:
            assert stream.read() == b"jpeg bytes"


@pytest.mark.parametrize("name", ["/etc/passwd", "\\\\server\\share\\x.jpg", "C:\\Windows\\x.jpg"])
def test_it_refuses_a_zip_with_an_absolute_path(name):
    assert "absolute path" in refusal(build([(name, b"x")]))


@pytest.mark.parametrize("name", ["../evil.jpg", "media/../../evil.jpg", "a\\..\\..\\evil.jpg"])
def test_it_refuses_a_zip_that_climbs_out_with_dot_dot(name):
    assert "'..'" in refusal(build([(name, b"x")]))


def test_it_refuses_a_zip_with_a_symlink():
    link = zipfile.ZipInfo("media/link.jpg")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert "symbolic link" in refusal(build([(link, b"/etc/passwd")]))


def test_it_refuses_a_zip_with_too_many_entries():
    entries = [(f"f{i}.txt", b"x") for i in range(11)]
    assert "11 entries" in refusal(build(entries), max_entries=10)


def test_it_refuses_a_zip_with_a_file_too_big_uncompressed():
    message = refusal(build([("big.bin", b"\x01" * 5000)]), max_file_size=4000)
    assert "limit per file is 4000" in message


def test_it_refuses_a_zip_too_big_in_total_uncompressed():
    entries = [(f"f{i}.bin", bytes([i]) * 3000) for i in range(4)]
    assert "more than 10000 bytes" in refusal(build(entries), max_total_size=10000)


def test_it_refuses_a_zip_bomb_by_its_compression_ratio():
    message = refusal(build([("zeros.bin", b"\x00" * 2_000_000)]))
    assert "suspicious compression ratio" in message


def test_it_accepts_small_files_that_compress_well():
    with SafeZip(build([("posts_1.json", b" " * 100_000)])) as archive:
        assert archive.names() == ["posts_1.json"]


def test_it_refuses_a_zip_whose_entries_overlap():
    source = build([("a.txt", b"first file"), ("b.txt", b"second file")])
    raw = bytearray(source.getvalue())
    # Point the second central directory record at the first entry's local header.
    second = raw.index(b"PK\x01\x02", raw.index(b"PK\x01\x02") + 4)
    struct.pack_into("<I", raw, second + 42, 0)
    assert "overlap" in refusal(io.BytesIO(bytes(raw)))


def test_it_refuses_a_zip_with_two_entries_of_the_same_name():
    with pytest.warns(UserWarning, match="Duplicate name"):
        source = build([("a.txt", b"one"), ("a.txt", b"two")])
    assert "two entries named" in refusal(source)


def test_it_refuses_an_encrypted_entry():
    source = build([("secret.txt", b"data")])
    raw = bytearray(source.getvalue())
    central = raw.index(b"PK\x01\x02")
    struct.pack_into("<H", raw, central + 8, 0x1)  # general purpose flag: encrypted
    assert "encrypted" in refusal(io.BytesIO(bytes(raw)))


def test_it_refuses_a_file_that_is_not_a_zip():
    assert "not a readable ZIP" in refusal(io.BytesIO(b"GIF89a not a zip at all"))


def test_it_never_opens_a_name_the_archive_does_not_list():
    with SafeZip(build([("a.txt", b"x")])) as archive, pytest.raises(UnsafeArchive):
        archive.open("../a.txt")
