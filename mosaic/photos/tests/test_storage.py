"""Content addressing, deletion without leftovers, and the orphan sweep."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from mosaic.photos.models import Original, Photo, Variant
from mosaic.photos.services import delete_photo, process_original
from mosaic.photos.storage import guarded_storage, private_storage, public_storage
from mosaic.photos.tests.images import make_image

pytestmark = pytest.mark.django_db


def test_identical_uploads_are_stored_and_processed_once(add, on_commit, other_owner, files):
    data = make_image("JPEG", (700, 500))
    with on_commit():
        first = add(data, "a.jpg")
    first.original.refresh_from_db()
    assert first.is_ready
    stored = files()

    with on_commit() as callbacks:
        again = add(data, "copy-of-a.jpg")
        theirs = add(data, "same.jpg", user=other_owner.user)
    assert callbacks == []  # nothing more to process
    assert files() == stored
    assert again.pk == first.pk
    assert theirs.pk != first.pk
    assert theirs.original_id == first.original_id
    assert Original.objects.count() == 1
    assert Variant.objects.count() == 6  # 320, 640, 700 in WebP and JPEG


def test_different_bytes_are_different_originals(add):
    add(make_image("JPEG", (700, 500)))
    add(make_image("JPEG", (700, 501)))
    assert Original.objects.count() == 2


def test_p07_deleting_a_photo_leaves_no_file_behind(add, on_commit, files):
    with on_commit():
        photo = add(make_image("JPEG", (1500, 1000)), "holiday.jpg")
    assert len(files()) == 1 + 8  # the original and 4 widths x 2 formats

    with on_commit():
        delete_photo(photo=photo)

    assert files() == []
    assert not Original.objects.exists()
    assert not Variant.objects.exists()


def test_a_shared_original_stays_until_its_last_photo_is_deleted(
    add, on_commit, other_owner, files
):
    data = make_image("PNG", (400, 300))
    with on_commit():
        mine = add(data)
        theirs = add(data, user=other_owner.user)
    stored = files()

    with on_commit():
        delete_photo(photo=mine)
    assert files() == stored
    assert Photo.objects.get() == theirs

    with on_commit():
        delete_photo(photo=theirs)
    assert files() == []


def test_deleting_while_processing_is_in_flight_leaves_nothing(add, on_commit, files):
    photo = add(make_image("JPEG", (500, 400)))  # processing not run yet
    original_id = photo.original_id
    with on_commit():
        delete_photo(photo=photo)

    process_original(original_id=original_id)  # the task arrives after the deletion
    assert files() == []


def test_the_orphan_sweep_reports_and_removes_leftovers_but_not_recent_work(
    add, on_commit, owner, files
):
    with on_commit():
        kept = add(make_image("JPEG", (500, 400)), "kept.jpg")
        orphaned = add(make_image("JPEG", (500, 401)), "orphaned.jpg")
    Photo.objects.filter(pk=orphaned.pk).delete()  # e.g. the owner's account row was deleted
    private_storage().save("originals/ab/stray-original", ContentFile(b"x"))
    public_storage().save("photos/strayfolder/320.webp", ContentFile(b"y"))
    guarded_storage().save("photos/strayguarded/320.webp", ContentFile(b"z"))
    kept_files = {
        p for p in files() if kept.original.token in str(p) or kept.original.sha256 in str(p)
    }

    out = io.StringIO()
    call_command("photos_orphans", "--delete", stdout=out)
    assert (
        "0 unused originals, 0 stray private files, 0 stray guarded files, 0 stray public files"
        in out.getvalue()
    )
    assert Original.objects.count() == 2  # an hour's grace for work in progress

    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        out = io.StringIO()
        call_command("photos_orphans", stdout=out)
        assert (
            "1 unused originals, 1 stray private files, 1 stray guarded files,"
            " 1 stray public files" in out.getvalue()
        )
        assert Original.objects.count() == 2  # a report only

        with on_commit():
            call_command("photos_orphans", "--delete", stdout=io.StringIO())

    assert set(files()) == kept_files
    assert len(kept_files) == 1 + 4  # the original, 320 and 500 wide in two formats
    assert list(Original.objects.all()) == [kept.original]
