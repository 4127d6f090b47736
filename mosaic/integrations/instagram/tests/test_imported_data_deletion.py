"""P05: what was imported through Instagram's API goes when Instagram access ends; posts from a
data download the owner uploaded stay under the owner's control (P07)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from mosaic.integrations.instagram.models import ImportRun, InstagramConnection
from mosaic.integrations.instagram.tests.conftest import connection_with_token
from mosaic.integrations.instagram.tests.test_archive_import import photo
from mosaic.integrations.instagram.tests.test_meta_callbacks import signed
from mosaic.photos.models import Original
from mosaic.photos.services import add_photo
from mosaic.posts.models import Post
from mosaic.posts.services import NewComment, NewItem, save_post

pytestmark = pytest.mark.django_db


def imported(user, source: str, key: str, colour: tuple[int, int, int]) -> Post:
    image = add_photo(owner=user, source=io.BytesIO(photo(colour)), filename=f"{key}.jpg")
    post, _ = save_post(
        owner=user,
        source=source,
        external_id=key,
        caption=f"{key} #tag",
        taken_at=timezone.now(),
        items=[NewItem(photo=image, external_id=key)],
        comments=[NewComment("c1", "ana", "hi", timezone.now())] if source == "instagram" else None,
    )
    return post


@pytest.fixture
def olivias_posts(owner, stand_in):
    connection_with_token(owner.user, stand_in, age=timedelta(days=1))
    imported(owner.user, Post.Source.INSTAGRAM, "1801", (10, 10, 10))
    imported(owner.user, Post.Source.INSTAGRAM, "1802", (20, 20, 20))
    return imported(owner.user, Post.Source.ARCHIVE, "key1", (30, 30, 30))


def remaining(user) -> list[str]:
    return sorted(Post.objects.filter(owner=user).values_list("external_id", flat=True))


def test_p05_disconnecting_deletes_the_posts_imported_through_the_api(owner, olivias_posts, tasks):
    with tasks():
        response = owner.client.post("/panel/instagram/disconnect/", follow=True)
    assert "the posts imported from it are being deleted" in response.content.decode()
    assert not InstagramConnection.objects.exists()
    assert remaining(owner.user) == ["key1"]
    assert Original.objects.count() == 1  # the photos went with their posts


def test_p05_disconnecting_stops_a_sync_under_way(owner, olivias_posts, tasks):
    run = ImportRun.objects.create(user=owner.user, kind=ImportRun.Kind.FULL)
    with tasks():
        owner.client.post("/panel/instagram/disconnect/")
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED
    assert run.error_text == "Instagram was disconnected."


def test_p05_meta_deauthorize_deletes_the_posts_imported_through_the_api(
    visitor, owner, other_owner, olivias_posts, tasks
):
    imported(other_owner.user, Post.Source.INSTAGRAM, "1801", (40, 40, 40))
    with tasks():
        response = visitor.post("/instagram/deauthorize/", {"signed_request": signed()})
    assert response.status_code == 200
    assert remaining(owner.user) == ["key1"]
    assert remaining(other_owner.user) == ["1801"]  # not connected to that Instagram account


def test_p05_meta_data_deletion_erases_the_posts_imported_through_the_api(
    visitor, owner, olivias_posts, tasks
):
    with tasks():
        response = visitor.post("/instagram/data-deletion/", {"signed_request": signed()})
    assert response.status_code == 200
    assert remaining(owner.user) == ["key1"]
    page = visitor.get(response.json()["url"].removeprefix("http://testserver"))
    assert b'data-state="completed"' in page.content


def test_a_tampered_data_deletion_request_deletes_nothing(visitor, owner, olivias_posts, tasks):
    signature, _body = signed(user_id="999").split(".")
    forged = f"{signature}.{signed().split('.')[1]}"
    with tasks():
        response = visitor.post("/instagram/data-deletion/", {"signed_request": forged})
    assert response.status_code == 400
    assert len(remaining(owner.user)) == 3
