"""Importing an uploaded data download into posts, through the panel and the background task."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mosaic.integrations.instagram import runs
from mosaic.integrations.instagram.execution import execute
from mosaic.integrations.instagram.models import ImportRun
from mosaic.integrations.instagram.periodic import resume_instagram_imports
from mosaic.integrations.instagram.tests.test_archive_layouts import (
    MEDIA_FILES,
    POSTS,
    T1,
    T2,
    image_bytes,
    mis_encoded,
)
from mosaic.photos.models import Original
from mosaic.posts.models import Post, PostItem

pytestmark = pytest.mark.django_db

TINY_JPEG = image_bytes("JPEG")  # 8x8: below the photo pipeline's smallest size


def real_heic() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(out, "HEIF")
    return out.getvalue()


def photo(colour: tuple[int, int, int], kind: str = "JPEG") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (48, 48), colour).save(out, kind)
    return out.getvalue()


# The layout test's files, with photos the pipeline accepts (its HEIC is only a header).
FILES = {
    **MEDIA_FILES,
    "media/posts/202103/one.jpg": photo((200, 30, 30)),
    "media/posts/202103/two.webp": photo((30, 200, 30), "WEBP"),
    "media/posts/202107/three.heic": real_heic(),
}


def zip_bytes(files: Mapping[str, object]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            data = content if isinstance(content, bytes) else json.dumps(content).encode()
            zf.writestr(name, data)
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "instagram.zip"):
    """Post the form; the caller runs the import with ``with tasks(): ...``."""
    return client.post(
        "/panel/instagram/upload/",
        {"archive": SimpleUploadedFile(name, data, content_type="application/zip")},
        follow=True,
    )


def import_archive(user, files: Mapping[str, object] | None = None) -> ImportRun:
    """Upload and import (call inside ``with tasks():``; the run is read back afterwards)."""
    run = runs.start_archive_import(
        user=user, upload=io.BytesIO(zip_bytes(files or {"content/posts_1.json": POSTS, **FILES}))
    )
    return ImportRun.objects.get(pk=run.pk)


def private_uploads(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT).parent / "private" / "instagram-uploads"
    return list(folder.glob("*")) if folder.exists() else []


@pytest.mark.parametrize(
    "posts_file",
    [
        "content/posts_1.json",
        "your_instagram_activity/content/posts_1.json",
        "your_instagram_activity/media/posts_1.json",
    ],
)
def test_each_layout_is_imported_into_posts_with_repaired_text(owner, posts_file, settings, tasks):
    with tasks():
        response = upload(owner.client, zip_bytes({posts_file: POSTS, **FILES}))
    assert response.status_code == 200
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.COMPLETED, run.error_text
    assert (run.done, run.total, run.created, run.media) == (3, 3, 3, 4)
    posts = Post.objects.filter(owner=owner.user, source=Post.Source.ARCHIVE)
    carousel = posts.get(items__position=1)
    video_post = posts.get(items__kind=PostItem.Kind.VIDEO)
    photo_post = posts.exclude(pk__in=[carousel.pk, video_post.pk]).get()
    assert carousel.caption == "Café morning #café #Sunrise"  # mojibake repaired
    assert carousel.hashtags == ["café", "Sunrise"]
    assert carousel.taken_at == datetime.fromtimestamp(T1, tz=UTC)
    assert [i.kind for i in carousel.items.all()] == ["image", "image"]
    assert photo_post.caption == "Новая коллекция #мода"
    heic = photo_post.items.get().photo
    assert heic is not None
    assert heic.original.format == "HEIF"
    assert video_post.taken_at == datetime.fromtimestamp(T2, tz=UTC)
    video_item = video_post.items.get()
    assert video_item.kind == PostItem.Kind.VIDEO
    assert video_item.photo is not None  # no poster in a data download: a frame of the video
    assert (video_item.photo.width, video_item.photo.height) == (64, 64)
    assert private_uploads(settings) == []  # P05: the upload is deleted after the import
    assert "3 of 3 posts" in owner.client.get("/panel/instagram/").content.decode()


def test_the_older_media_json_layout_is_imported(owner, tasks):
    files = {
        "media.json": {
            "photos": [
                {
                    "caption": mis_encoded("Crème brûlée #dessert"),
                    "taken_at": "2019-05-01T10:00:00",
                    "path": "photos/201905/a.jpg",
                }
            ]
        },
        "photos/201905/a.jpg": photo((1, 2, 3)),
    }
    with tasks():
        run = import_archive(owner.user, files)
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED
    post = Post.objects.get(owner=owner.user)
    assert (post.caption, post.hashtags) == ("Crème brûlée #dessert", ["dessert"])


def test_importing_the_same_download_again_changes_nothing(owner, tasks):
    with tasks():
        import_archive(owner.user)
    before = list(Post.objects.values_list("pk", "caption", "taken_at", "updated_at"))
    originals = Original.objects.count()
    with tasks():
        again = import_archive(owner.user)
    again.refresh_from_db()
    assert again.state == ImportRun.State.COMPLETED
    assert (again.created, again.updated, again.media) == (0, 0, 0)
    assert list(Post.objects.values_list("pk", "caption", "taken_at", "updated_at")) == before
    assert Original.objects.count() == originals


def test_an_interrupted_import_is_restarted_without_duplicates(owner, settings, tasks):
    """The worker stops after two posts (its budget, with the queued rest never run, as when
    a worker dies); the periodic job picks the run up and finishes it."""
    run = runs.start_archive_import(
        user=owner.user, upload=io.BytesIO(zip_bytes({"content/posts_1.json": POSTS, **FILES}))
    )
    execute(run_id=run.pk, budget=2)  # on-commit enqueues are not run outside ``tasks()``
    run.refresh_from_db()
    assert (run.state, run.done) == (ImportRun.State.QUEUED, 2)
    assert Post.objects.count() == 2
    settings.INSTAGRAM_IMPORT_STALE_MINUTES = 1
    with time_machine.travel(timezone.now() + timedelta(minutes=2)), tasks():
        assert resume_instagram_imports.call() == 1
    run.refresh_from_db()
    assert (run.state, run.done, run.created) == (ImportRun.State.COMPLETED, 3, 3)
    assert Post.objects.count() == 3


def test_a_file_the_photo_pipeline_refuses_is_skipped_with_a_warning(owner, tasks):
    files = {"content/posts_1.json": POSTS, **FILES, "media/posts/202103/two.webp": b"RIFFjunk"}
    with tasks():
        run = import_archive(owner.user, files)
    run.refresh_from_db()
    assert run.state == ImportRun.State.COMPLETED
    assert any(w.startswith("two.webp:") for w in run.warning_texts())
    carousel = Post.objects.get(caption__startswith="Café")
    assert carousel.items.count() == 1


def test_a_russian_owner_reads_why_a_file_was_skipped_in_russian(owner, tasks):
    """The reason is stored as its message and values, and translated when the list of skipped
    items is shown; a run written before that keeps showing its stored English text."""
    files = {"content/posts_1.json": POSTS, **FILES, "media/posts/202103/two.webp": b"RIFFjunk"}
    with tasks():
        run = import_archive(owner.user, files)
    run.refresh_from_db()
    run.warnings.append("old.jpg: the file is empty")  # as runs stored it before
    run.save(update_fields=["warnings"])
    client = owner.sign_in()
    client.cookies["django_language"] = "ru"
    html = client.get("/panel/instagram/progress/").content.decode()
    assert "two.webp: этот файл — не изображение: пришлите фото в формате" in html
    assert "old.jpg: the file is empty" in html
    client.cookies["django_language"] = "en"
    html = client.get("/panel/instagram/progress/").content.decode()
    assert "two.webp: this file is not an image: send a JPEG, PNG, WebP or HEIC photo" in html


def zip_with_entry(name: str, data: bytes = b"x", *, symlink: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("content/posts_1.json", json.dumps(POSTS))
        info = zipfile.ZipInfo(name)
        if symlink:
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, data)
    return buffer.getvalue()


def overlapping_zip() -> bytes:
    """Two central-directory entries pointing at the same local data."""
    data = bytearray(zip_bytes({"content/posts_1.json": POSTS, "media/a.jpg": TINY_JPEG}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        first, second = zf.infolist()
    # Point the second entry's central header at the first entry's local header.
    marker = b"PK\x01\x02"
    index = data.rfind(marker)
    offset_field = index + 42
    data[offset_field : offset_field + 4] = first.header_offset.to_bytes(4, "little")
    assert second.header_offset != first.header_offset
    return bytes(data)


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("content/posts_1.json", json.dumps(POSTS))
        zf.writestr("media/posts/202103/one.jpg", b"\0" * (8 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("archive", "limits", "message"),
    [
        (lambda: zip_with_entry("/etc/passwd"), {}, "has an absolute path"),
        (lambda: zip_with_entry("../../evil.jpg"), {}, "climbs out of the archive"),
        (lambda: zip_with_entry("link.jpg", b"/etc/passwd", symlink=True), {}, "symbolic link"),
        (
            lambda: zip_bytes({"content/posts_1.json": POSTS, **FILES}),
            {"INSTAGRAM_ARCHIVE_MAX_ENTRIES": 3},
            "entries; at most 3",
        ),
        (
            lambda: zip_bytes({"content/posts_1.json": POSTS, **FILES}),
            {"INSTAGRAM_ARCHIVE_MAX_ENTRY_BYTES": 200},
            "the limit per file is 200",
        ),
        (
            lambda: zip_bytes({"content/posts_1.json": POSTS, **FILES}),
            {"INSTAGRAM_ARCHIVE_MAX_TOTAL_BYTES": 1000},
            "more than 1000 bytes uncompressed",
        ),
        (bomb, {}, "suspicious compression ratio"),
        (overlapping_zip, {}, "overlap"),
        (lambda: zip_bytes({"holiday.jpg": TINY_JPEG}), {}, "does not look like an Instagram"),
        (lambda: zip_bytes({"content/posts_1.json": b"[{oops", **FILES}), {}, "not valid JSON"),
        (  # the first post is fine, the file is cut short after it
            lambda: zip_bytes({"content/posts_1.json": json.dumps(POSTS).encode()[:-20], **FILES}),
            {},
            "not valid JSON",
        ),
        (
            lambda: zip_bytes({"content/posts_1.json": b"[" * 200_000, **FILES}),
            {},
            "is not an Instagram posts list: it is nested deeper",
        ),
        (
            lambda: zip_bytes({"content/posts_1.json": POSTS, **FILES}),
            {"INSTAGRAM_ARCHIVE_MAX_POSTS_FILE_BYTES": 100},
            "is not an Instagram posts list: it is larger than 100 bytes",
        ),
    ],
)
def test_every_zip_refusal_ends_the_run_with_its_message_in_the_panel(
    owner, settings, tasks, archive, limits, message
):
    for name, value in limits.items():
        setattr(settings, name, value)
    with tasks():
        response = upload(owner.client, archive())
    assert response.status_code == 200
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    assert message in run.error_text
    assert run.error_text.startswith("This file cannot be imported:")
    assert "Start it again" not in run.error_text  # a refusal never promises a retry could work
    page = owner.client.get("/panel/instagram/").content.decode()
    assert "This file cannot be imported:" in page
    assert not Post.objects.exists()  # nothing half-written
    assert not Original.objects.exists()
    assert private_uploads(settings) == []


def test_a_russian_owner_reads_why_the_upload_was_refused_in_russian(owner, tasks):
    """The refusal is written by a task, in no reader's language: it is kept as its message
    and values (the ZIP's own reason inside), and read in the language of the page. A run
    stored before keeps its English text."""
    with tasks():
        upload(owner.client, zip_with_entry("../evil.txt"))
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    client = owner.sign_in()
    client.cookies["django_language"] = "ru"
    html = client.get("/panel/instagram/progress/").content.decode()
    assert "Этот файл нельзя импортировать: запись" in html
    assert "выходит за пределы архива через" in html
    client.cookies["django_language"] = "en"
    html = client.get("/panel/instagram/progress/").content.decode()
    assert "This file cannot be imported: the entry" in html
    assert "climbs out of the archive with" in html
    ImportRun.objects.filter(pk=run.pk).update(error="An old English reason.")
    client.cookies["django_language"] = "ru"
    assert "An old English reason." in client.get("/panel/instagram/progress/").content.decode()


def test_a_file_that_is_not_a_zip_is_refused_by_the_form(owner):
    response = upload(owner.client, b"GIF89a not a zip", name="instagram.zip")
    assert response.status_code == 400
    assert "This is not a ZIP file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_by_the_form(owner, settings):
    settings.INSTAGRAM_ARCHIVE_MAX_BYTES = 100
    response = upload(owner.client, zip_bytes({"content/posts_1.json": POSTS, **FILES}))
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_upload_while_another_import_runs_is_refused(owner, settings):
    runs.start_sync(user=owner.user, enqueue=False)
    response = upload(owner.client, zip_bytes({"content/posts_1.json": POSTS, **FILES}))
    assert "An import is under way" in response.content.decode()
    assert ImportRun.objects.count() == 1
    assert private_uploads(settings) == []


def test_the_upload_needs_a_signed_in_owner(visitor):
    response = visitor.post("/panel/instagram/upload/", {})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
