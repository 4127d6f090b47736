from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime

import pytest
from PIL import Image

from mosaic.integrations.instagram.archive import ArchiveError, InstagramArchive
from mosaic.posts.samples import clip

pytestmark = pytest.mark.django_db  # the shared autouse fixture clears the database cache

T1, T2 = 1_616_000_000, 1_626_000_000


def image_bytes(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, kind)
    return out.getvalue()


JPEG, WEBP = image_bytes("JPEG"), image_bytes("WEBP")
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1"
MP4 = clip()  # a real one: the import cleans it with ffmpeg (posts.videos)


def archive(files: Mapping[str, object]) -> InstagramArchive:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            data = content if isinstance(content, bytes) else json.dumps(content).encode()
            zf.writestr(name, data)
    buffer.seek(0)
    return InstagramArchive(buffer)


def mis_encoded(text: str) -> str:
    """What the download writes: each UTF-8 byte as one character."""
    return text.encode("utf-8").decode("latin-1")


POSTS = [
    {  # a carousel: caption at post level
        "media": [
            {"uri": "media/posts/202103/one.jpg", "creation_timestamp": T1, "title": ""},
            {"uri": "media/posts/202103/two.webp", "creation_timestamp": T1, "title": ""},
        ],
        "title": mis_encoded("Café morning #café #Sunrise"),
        "creation_timestamp": T1,
    },
    {  # a single photo: the caption on the first item, media as one object
        "media": {
            "uri": "media/posts/202107/three.heic",
            "creation_timestamp": T2,
            "title": mis_encoded("Новая коллекция #мода"),
        },
    },
    {  # a video, no caption at all
        "media": [{"uri": "media/posts/202107/clip.mp4", "creation_timestamp": T2}],
        "creation_timestamp": T2,
    },
]
MEDIA_FILES = {
    "media/posts/202103/one.jpg": JPEG,
    "media/posts/202103/two.webp": WEBP,
    "media/posts/202107/three.heic": HEIC,
    "media/posts/202107/clip.mp4": MP4,
}


def check_posts(posts):
    carousel, photo, video = posts
    assert carousel.caption == "Café morning #café #Sunrise"
    assert carousel.hashtags == ["café", "Sunrise"]
    assert carousel.taken_at == datetime.fromtimestamp(T1, tz=UTC)
    assert [m.kind for m in carousel.media] == ["image", "image"]
    with carousel.media[1].open() as stream:
        assert stream.read() == WEBP
    assert photo.caption == "Новая коллекция #мода"
    assert photo.hashtags == ["мода"]
    assert photo.taken_at == datetime.fromtimestamp(T2, tz=UTC)
    assert photo.media[0].member.endswith("three.heic")
    assert video.caption == ""
    assert video.hashtags == []
    assert video.media[0].kind == "video"
    with video.media[0].open() as stream:
        assert stream.read() == MP4


@pytest.mark.parametrize(
    "posts_file",
    [
        "content/posts_1.json",
        "your_instagram_activity/content/posts_1.json",
        "your_instagram_activity/media/posts_1.json",
        "instagram-olivia.makes-2025-01-02-abc/your_instagram_activity/media/posts_1.json",
    ],
)
def test_it_reads_every_posts_json_layout(posts_file):
    root = posts_file.split("your_instagram_activity")[0] if "-abc/" in posts_file else ""
    files = {posts_file: POSTS, **{root + name: data for name, data in MEDIA_FILES.items()}}
    with archive(files) as download:
        check_posts(list(download.posts()))
        assert download.warnings == []


def test_it_reads_posts_spread_over_several_files_in_order():
    files = {
        "your_instagram_activity/content/posts_2.json": POSTS[2:],
        "your_instagram_activity/content/posts_1.json": POSTS[:2],
        **MEDIA_FILES,
    }
    with archive(files) as download:
        check_posts(list(download.posts()))


def test_it_reads_the_older_media_json_layout():
    files = {
        "media.json": {
            "photos": [
                {
                    "caption": mis_encoded("Café morning #café #Sunrise"),
                    "taken_at": "2021-03-17T16:53:20",
                    "path": "photos/202103/one.jpg",
                },
            ],
            "videos": [
                {
                    "caption": "",
                    "taken_at": "2021-07-11T10:40:00+00:00",
                    "path": "videos/202107/clip.mp4",
                }
            ],
            "stories": [
                {"caption": "a story", "taken_at": "2021-01-01T00:00:00", "path": "stories/x.jpg"}
            ],
        },
        "photos/202103/one.jpg": JPEG,
        "videos/202107/clip.mp4": MP4,
        "stories/x.jpg": JPEG,
    }
    with archive(files) as download:
        photo, video = list(download.posts())
    assert download.layout == "media.json"
    assert photo.caption == "Café morning #café #Sunrise"
    assert photo.taken_at == datetime(2021, 3, 17, 16, 53, 20, tzinfo=UTC)
    assert photo.media[0].member == "photos/202103/one.jpg"
    assert video.media[0].kind == "video"


def test_a_post_whose_files_are_missing_is_skipped_with_a_warning():
    files = {"content/posts_1.json": POSTS, "media/posts/202103/one.jpg": JPEG}
    with archive(files) as download:
        posts = list(download.posts())
    assert [len(post.media) for post in posts] == [1]
    assert "two.webp is listed but not in the archive" in map(str, download.warnings)


def test_post_keys_are_stable_across_reads():
    files = {"content/posts_1.json": POSTS, **MEDIA_FILES}
    with archive(files) as first, archive(files) as second:
        assert [p.key for p in first.posts()] == [p.key for p in second.posts()]


def test_a_post_uri_cannot_reach_outside_the_archive_listing():
    posts = [{"media": [{"uri": "../../etc/passwd.jpg", "creation_timestamp": T1}]}]
    with archive({"content/posts_1.json": posts, **MEDIA_FILES}) as download:
        assert list(download.posts()) == []


def test_an_html_download_gets_a_clear_message():
    with pytest.raises(ArchiveError, match="HTML format; request it again"):
        archive({"index.html": b"<html>", "content/posts_1.html": b"<html>"})


def test_a_zip_without_posts_gets_a_clear_message():
    with pytest.raises(ArchiveError, match="does not look like an Instagram data download"):
        archive({"holiday.jpg": JPEG})


def test_broken_json_gets_a_clear_message():
    with (
        archive({"content/posts_1.json": b"[{not json", **MEDIA_FILES}) as download,
        pytest.raises(ArchiveError, match="not valid JSON"),
    ):
        list(download.posts())


def test_an_unsafe_zip_is_refused_before_anything_is_read():
    with pytest.raises(ArchiveError, match=r"'\.\.'"):
        archive({"content/posts_1.json": POSTS, "../evil.jpg": JPEG})


def test_a_file_that_is_not_a_zip_is_refused():
    with pytest.raises(ArchiveError, match="not a readable ZIP"):
        InstagramArchive(io.BytesIO(b"PK not really"))


def test_posts_are_read_one_at_a_time_as_the_file_streams():
    """The first post comes out before the parser has reached the broken end of the file."""
    good = json.dumps(POSTS[0]).encode()
    with archive({"content/posts_1.json": b"[" + good + b", {oops", **MEDIA_FILES}) as download:
        posts = download.posts()
        first = next(posts)
        assert first.caption == "Café morning #café #Sunrise"
        with pytest.raises(ArchiveError, match="not valid JSON"):
            next(posts)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper than any posts list"),
        (b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, "nested deeper than any posts list"),
        (json.dumps([{"media": [{"uri": "x"}] * 20_000}]).encode(), "bigger than any post"),
        (json.dumps([{"title": "#long" * 20_000}]).encode(), "longer than any caption"),
        (b'"just a string"', "a single value, not a list"),
        (b'{"profile": {"name": "olivia"}}', "it holds no list"),
    ],
)
def test_what_no_posts_list_holds_is_refused_as_not_a_posts_list(content, why):
    with (
        archive({"content/posts_1.json": content, **MEDIA_FILES}) as download,
        pytest.raises(ArchiveError, match=f"posts_1.json is not an Instagram posts list: .*{why}"),
    ):
        list(download.posts())


def test_a_media_json_that_is_a_list_is_refused():
    with (
        archive({"media.json": [{"path": "a.jpg"}], "a.jpg": JPEG}) as download,
        pytest.raises(ArchiveError, match=r"media\.json is not an Instagram posts list"),
    ):
        list(download.posts())


def test_a_posts_file_over_the_size_cap_is_refused_before_it_is_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("content/posts_1.json", json.dumps(POSTS))
        for name, data in MEDIA_FILES.items():
            zf.writestr(name, data)
    buffer.seek(0)
    with (
        InstagramArchive(buffer, max_posts_file_bytes=100) as download,
        pytest.raises(ArchiveError, match="is not an Instagram posts list: it is larger than 100"),
    ):
        list(download.posts())
