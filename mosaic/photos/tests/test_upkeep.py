from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from PIL import Image

from mosaic.jobs.registry import registered_jobs
from mosaic.photos.models import Original, Photo
from mosaic.photos.services import add_photo
from mosaic.photos.storage import private_storage
from mosaic.posts.models import Post
from mosaic.posts.services import NewItem, save_post

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC)


def post_of(user, photo: Photo) -> None:
    save_post(
        owner=user,
        source=Post.Source.UPLOAD,
        external_id="p1",
        caption="",
        taken_at=START,
        items=[NewItem(photo=photo)],
    )


def upkeep():
    [job] = [job for job in registered_jobs() if job.name == "photos.upkeep"]
    return job.task.call()


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def test_a_photo_whose_processing_was_lost_is_processed_by_the_upkeep(owner):
    with time_machine.travel(START, tick=False):
        photo = add_photo(owner=owner.user, source=jpeg(), filename="a.jpg")  # no on_commit: lost
        post_of(owner.user, photo)  # a photo nothing names is released instead
    assert Original.objects.get().status == Original.Status.PENDING

    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        upkeep()

    photo.refresh_from_db()
    assert photo.original.status == Original.Status.READY
    assert photo.variants


def test_p05_an_original_no_photo_uses_is_deleted_with_its_file(
    owner, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        photo = add_photo(owner=owner.user, source=jpeg(), filename="a.jpg")
    name = photo.original.name
    assert private_storage().exists(name)
    Photo.objects.filter(pk=photo.pk).delete()  # e.g. a cascade that bypassed delete_photo

    with (
        time_machine.travel(START + dt.timedelta(hours=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        upkeep()

    assert not Original.objects.exists()
    assert not private_storage().exists(name)


def test_recent_work_is_left_alone(owner):
    with time_machine.travel(START, tick=False):
        add_photo(owner=owner.user, source=jpeg(), filename="a.jpg")
    with time_machine.travel(START + dt.timedelta(minutes=10), tick=False):
        upkeep()

    assert Original.objects.get().status == Original.Status.PENDING
