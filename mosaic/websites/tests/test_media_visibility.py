"""P31, P08: photos and videos follow who may see them, at every address.

Only what a public site shows has a public copy (served by nginx or the CDN without asking);
everything else is in the guarded storage and reached only through a check. The same cases go
through the production nginx in ``tests/test_behind_nginx.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaic.photos.models import Original, Photo, Variant
from mosaic.photos.services import add_photo
from mosaic.photos.storage import guarded_storage, private_storage, public_storage
from mosaic.posts.models import Post, Video
from mosaic.posts.services import NewItem, save_post
from mosaic.privacy.services import request_account_deletion, restore_account
from mosaic.websites import services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(owner, commit):
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.publish(site=site)
        return site


def public_files() -> list[str]:
    root = public_storage().path("")
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def variants_of(post) -> list[Variant]:
    return list(
        Variant.objects.filter(original__photos__post_items__post=post)
        .select_related("original")
        .distinct()
    )


def set_visibility(site, visibility: str) -> Site:
    services.update_settings(
        site=site, slug=site.slug, visibility=visibility, hide_from_search=False
    )
    return Site.objects.get(pk=site.pk)


def test_p31_only_what_a_public_site_shows_has_a_public_copy(owner, site, commit, visitor):
    shown = make_post(owner.user, "Shown", video=True)
    hidden = make_post(owner.user, "Hidden")
    services.set_choice(site=site, post=hidden, hidden=True)
    with commit():
        services.publish(site=site)

    copies = public_files()
    for variant in variants_of(shown):
        assert variant.public_name in copies
        assert variant.original.token not in variant.public_name  # its own random name
    video = Video.objects.get()
    assert video.public_name in copies
    for variant in variants_of(hidden):
        assert variant.public_name == ""
    assert len(copies) == len(variants_of(shown)) + 1

    page = body(visitor.get(f"/olivia/p/{shown.pk}/"))
    assert f"/media/{variants_of(shown)[0].public_name}" in page


def test_p31_a_hidden_photo_is_refused_at_the_sites_checked_route(owner, site, commit, visitor):
    hidden = make_post(owner.user, "Hidden")
    shown = make_post(owner.user, "Shown")
    services.set_choice(site=site, post=hidden, hidden=True)
    with commit():
        set_visibility(site, "unlisted")
        services.publish(site=site)
    assert public_files() == []  # unlisted: nothing public

    hidden_name = variants_of(hidden)[0].name
    shown_name = variants_of(shown)[0].name
    assert f"_media/{shown_name}" in body(visitor.get(f"/olivia/p/{shown.pk}/"))
    assert visitor.get(f"/olivia/_media/{shown_name}").status_code == 200
    assert visitor.get(f"/olivia/_media/{hidden_name}").status_code == 404
    assert owner.client.get(f"/olivia/_media/{hidden_name}").status_code == 200


def test_p31_making_a_site_private_takes_its_files_offline_before_the_answer(
    owner, site, commit, visitor, django_capture_on_commit_callbacks
):
    post = make_post(owner.user, "Morning")
    with commit():
        services.publish(site=site)
    before = [v.public_name for v in variants_of(post)]
    assert before
    assert all(public_storage().exists(name) for name in before)

    # No publish has run yet (callbacks held back): the copies are gone all the same.
    with django_capture_on_commit_callbacks(execute=False):
        response = owner.client.post(
            f"/panel/sites/{site.pk}/settings/",
            {"slug": "olivia", "visibility": "private"},
        )
        assert response.status_code == 302
        assert public_files() == []
    name = variants_of(post)[0].name
    assert visitor.get(f"/olivia/_media/{name}").status_code == 404
    assert owner.client.get(f"/olivia/_media/{name}").status_code == 200


def test_p31_going_public_again_gives_new_addresses_never_the_old_ones(owner, site, commit):
    post = make_post(owner.user, "Morning")
    with commit():
        services.publish(site=site)
    first = {v.public_name for v in variants_of(post)}
    with commit():
        set_visibility(site, "private")
    with commit():
        set_visibility(site, "public")
    second = {v.public_name for v in variants_of(post)}
    assert all(second)
    assert not first & second
    assert not any(public_storage().exists(name) for name in first)
    assert all(public_storage().exists(name) for name in second)


def test_p08_quarantine_takes_files_offline_at_once_and_restore_brings_them_back(
    owner, site, commit, visitor
):
    post = make_post(owner.user, "Morning", video=True)
    with commit():
        services.publish(site=site)
    guarded = variants_of(post)[0].name
    assert public_files()

    with commit():
        request_account_deletion(user=owner.user)
    assert public_files() == []
    assert visitor.get(f"/olivia/_media/{guarded}").status_code == 410
    held = owner.client.get(f"/_media/{guarded}")  # a quarantined account may only restore
    assert held.status_code in (302, 404)
    assert not held.has_header("X-Accel-Redirect")

    with commit():
        assert restore_account(user=owner.user)
    assert {v.public_name for v in variants_of(post)} <= set(public_files())
    assert Video.objects.get().public_name in public_files()


def test_p07_p31_a_deleted_photo_and_a_deleted_site_leave_nothing_reachable(
    owner, site, commit, visitor
):
    kept = make_post(owner.user, "Kept")
    gone = make_post(owner.user, "Gone")
    with commit():
        services.publish(site=site)
    names = [(v.name, v.public_name) for v in variants_of(gone)]
    with commit():
        services.remove_post(post=gone)
    for guarded, public in names:
        assert not public_storage().exists(public)
        assert not guarded_storage().exists(guarded)
        assert visitor.get(f"/olivia/_media/{guarded}").status_code == 404

    with commit():
        services.delete_site(site=site)
    assert public_files() == []
    assert not Original.objects.exclude(public_token="").exists()
    assert visitor.get(f"/olivia/_media/{variants_of(kept)[0].name}").status_code == 410


def test_p31_the_owners_own_route_serves_only_the_owner(owner, other_owner, visitor, site):
    post = make_post(owner.user, "Mine")
    name = variants_of(post)[0].name
    response = owner.client.get(f"/_media/{name}")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    assert other_owner.client.get(f"/_media/{name}").status_code == 404
    assert visitor.get(f"/_media/{name}").status_code == 404
    assert owner.client.get("/_media/photos/../../private/x").status_code == 404


def test_p31_a_photo_shared_with_another_owners_public_site_stays_public_for_them(
    owner, other_owner, site, commit
):
    """Content addressing: two owners, one file. One going private does not take the other's
    public photo offline, and the other's copy is not the first owner's to keep."""
    post = make_post(owner.user, "Same bytes")
    photo = post.items.get().photo
    assert photo is not None
    with private_storage().open(photo.original.name, "rb") as source:
        shared = add_photo(owner=other_owner.user, source=source, filename="same.png")
    assert shared.original_id == photo.original_id
    save_post(
        owner=other_owner.user,
        source=Post.Source.UPLOAD,
        external_id="same",
        caption="",
        taken_at=post.taken_at,
        items=[NewItem(photo=shared)],
    )
    with commit():
        oscar = services.create_site(owner=other_owner.user, slug="oscar", title="Oscar")
        services.publish(site=oscar)
        services.publish(site=site)
    token = Original.objects.get(pk=photo.original_id).public_token
    assert token
    with commit():
        set_visibility(site, "private")
    assert Photo.objects.get(pk=photo.pk).exposed is False
    assert Photo.objects.get(pk=shared.pk).exposed is True
    assert Original.objects.get(pk=photo.original_id).public_token == token
