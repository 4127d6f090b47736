"""The editor: addresses, colours, drafts, ordering, and removing photos (P07)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mosaic.photos.models import Photo, Variant
from mosaic.photos.storage import guarded_storage, public_storage
from mosaic.photos.tests.images import make_image
from mosaic.websites import publishing, rules, services
from mosaic.websites.models import Site
from mosaic.websites.tests.conftest import body, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(owner, commit):
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.publish(site=site)
        return site


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("panel", "reserved"),
        ("accounts", "reserved"),
        ("static", "reserved"),
        ("ab", "3 to 40"),
        ("x" * 41, "40 characters"),
        ("Olivia", "lowercase"),
        ("-olivia", "lowercase"),
        ("oli via", "lowercase"),
        ("olivia_1", "lowercase"),
    ],
)
def test_it_refuses_bad_or_reserved_addresses(owner, slug, message):
    response = owner.client.post("/panel/sites/", {"slug": slug, "title": "Mine"})
    assert response.status_code == 400
    assert message in body(response)
    assert not Site.objects.exists()


def test_every_first_segment_the_app_routes_is_reserved():
    from django.urls import get_resolver

    for pattern in get_resolver().url_patterns:
        first = str(pattern.pattern).strip("^/").split("/")[0]
        if first and "<" not in first:
            assert first in rules.RESERVED_SLUGS, first


def test_an_address_is_unique(owner, other_owner, site):
    response = other_owner.client.post("/panel/sites/", {"slug": "olivia", "title": "Mine"})
    assert response.status_code == 400
    assert "taken" in body(response)


def test_one_account_may_own_several_sites(owner, site):
    response = owner.client.post("/panel/sites/", {"slug": "olivia-shop", "title": "Shop"})
    assert response.status_code == 302
    assert owner.user.sites.count() == 2


def test_it_refuses_a_low_contrast_accent_with_the_ratio(owner, site):
    response = owner.client.post(
        f"/panel/sites/{site.pk}/design/",
        {"title": "Olivia", "bio": "", "theme": "grid", "accent": "#ffff00"},
    )
    assert response.status_code == 400
    assert "contrast is 1.1:1" in body(response)
    assert Site.objects.get(pk=site.pk).accent == "#1d5fd1"


def test_the_dark_accent_reaches_aa_on_the_dark_background():
    for accent in ("#1d5fd1", "#000000", "#7a1f1f", "#0b6b3a"):
        assert rules.contrast(rules.dark_accent(accent), rules.DARK_BACKGROUND) >= 4.5


def test_other_owners_cannot_open_or_edit_a_site(site, other_owner):
    assert other_owner.client.get(f"/panel/sites/{site.pk}/").status_code == 404
    assert other_owner.client.get(f"/panel/sites/{site.pk}/preview/").status_code == 404
    assert other_owner.client.post(f"/panel/sites/{site.pk}/publish/").status_code == 404
    assert other_owner.client.get(f"/panel/sites/{site.pk}/export/").status_code == 404


def test_edits_are_a_draft_until_published(owner, visitor, site, commit):
    response = owner.client.post(
        f"/panel/sites/{site.pk}/design/",
        {"title": "New title", "bio": "Hello", "theme": "feed", "accent": "#7a1f1f"},
    )
    assert response.status_code == 302
    assert "New title" not in body(visitor.get("/olivia/"))
    assert "New title" in body(owner.client.get(f"/panel/sites/{site.pk}/preview/"))
    assert "not published yet" in body(owner.client.get(f"/panel/sites/{site.pk}/"))
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/publish/")
    assert "New title" in body(visitor.get("/olivia/"))


def test_the_preview_may_be_framed_by_the_panel_only(owner, site):
    preview = owner.client.get(f"/panel/sites/{site.pk}/preview/")
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    editor = owner.client.get(f"/panel/sites/{site.pk}/")
    assert "frame-ancestors 'none'" in editor["Content-Security-Policy"]


def test_new_posts_appear_automatically_and_hidden_ones_do_not(owner, visitor, site, commit):
    with commit():
        first = make_post(owner.user, "First post")
    assert "First post" in body(visitor.get(f"/olivia/p/{first.pk}/"))
    with commit():
        services.set_choice(site=site, post=first, hidden=True)
        services.publish(site=site)
    assert visitor.get(f"/olivia/p/{first.pk}/").status_code == 404


def test_pinning_and_moving_change_the_order(owner, visitor, site, commit):
    old = make_post(owner.user, "Oldest", days=0)
    middle = make_post(owner.user, "Middle", days=1)
    new = make_post(owner.user, "Newest", days=2)
    assert [p.pk for p in services.posts_for_editor(site)] == [new.pk, middle.pk, old.pk]
    services.set_choice(site=site, post=old, pinned=True)
    services.move_post(site=site, post=middle, up=True)
    assert [p.pk for p in services.posts_for_editor(site)] == [old.pk, middle.pk, new.pk]
    owner.client.post(f"/panel/sites/{site.pk}/posts/{middle.pk}/down/")
    assert [p.pk for p in services.posts_for_editor(site)] == [old.pk, new.pk, middle.pk]


def test_p07_removing_one_photo_republishes_and_deletes_its_files(owner, visitor, site, commit):
    post = make_post(owner.user, "Two photos", photos=2)
    with commit():
        services.publish(site=site)
    item = post.items.order_by("-position")[0]
    assert item.photo is not None
    variants = list(Variant.objects.filter(original__photos=item.photo).select_related("original"))
    names = [variant.public_name for variant in variants] + [v.name for v in variants]
    assert f"/media/{names[0]}" in "".join(body(visitor.get(f"/olivia/p/{post.pk}/")).split())
    with commit():
        response = owner.client.post(f"/panel/sites/{site.pk}/items/{item.pk}/remove/")
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=item.photo.pk).exists()
    assert not any(public_storage().exists(name) for name in names)
    assert not any(guarded_storage().exists(name) for name in names)
    assert names[0] not in body(visitor.get(f"/olivia/p/{post.pk}/"))


def test_p07_removing_a_post_republishes_and_deletes_its_files(owner, visitor, site, commit):
    post = make_post(owner.user, "Gone soon")
    with commit():
        services.publish(site=site)
    assert visitor.get(f"/olivia/p/{post.pk}/").status_code == 200
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/posts/{post.pk}/remove/")
    assert visitor.get(f"/olivia/p/{post.pk}/").status_code == 404
    build = publishing.build_folder(Site.objects.get(pk=site.pk))
    assert build is not None
    assert "Gone soon" not in "".join(p.read_text() for p in build.rglob("*.html"))


def test_a_failed_publish_keeps_the_previous_version_online(
    owner, visitor, site, commit, monkeypatch
):
    before = Site.objects.get(pk=site.pk).published_build
    page = body(visitor.get("/olivia/"))

    def broken(self, path):
        raise RuntimeError("disk full")

    from mosaic.websites.render import SiteRenderer

    monkeypatch.setattr(SiteRenderer, "render", broken)
    with pytest.raises(RuntimeError):
        publishing.publish_site(site_id=site.pk)
    assert Site.objects.get(pk=site.pk).published_build == before
    assert body(visitor.get("/olivia/")) == page
    assert [
        p.name for p in publishing.site_folder("olivia").iterdir() if p.name.startswith(".tmp")
    ] == []


def test_the_export_is_a_zip_of_static_files_with_relative_links(owner, site, commit):
    post = make_post(owner.user, "Exported #sea", photos=2, video=True)
    with commit():
        services.publish(site=site)
    response = owner.client.get(f"/panel/sites/{site.pk}/export/")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert "olivia/index.html" in names
    assert f"olivia/p/{post.pk}/index.html" in names
    page = archive.read(f"olivia/p/{post.pk}/index.html").decode()
    assert 'href="../../index.html"' in page
    assert "/media/" not in page
    for ref in re.findall(r'(?:src|href)="(\.\./\.\./[^"#]+)"', page):
        target = "olivia/" + ref.removeprefix("../../")
        assert target in names, target


def _open_folds(page: str) -> list[str]:
    return re.findall(r'<details class="fold[^"]*" id="([a-z]+)" open>', page)


def test_the_editor_opens_folded_and_unfolds_what_was_saved_or_refused(owner, site):
    editor = f"/panel/sites/{site.pk}/"
    page = body(owner.client.get(editor))
    assert page.count('<details class="fold') == 12
    assert _open_folds(page) == []
    assert _open_folds(body(owner.client.get(f"{editor}?open=links"))) == ["links"]
    for unknown in ("nothing", "<script>", "links#"):
        assert _open_folds(body(owner.client.get(editor, {"open": unknown}))) == []

    saved = owner.client.post(f"{editor}links/", {"label": "Shop", "url": "https://shop.example/"})
    assert saved["Location"] == f"{editor}?open=links#links"
    refused = owner.client.post(f"{editor}socials/", {"instagram": "not a profile!"})
    assert refused.status_code == 400
    assert _open_folds(body(refused)) == ["socials"]


def test_a_refused_avatar_is_explained_in_the_owners_language(owner, site):
    client = owner.sign_in()
    client.cookies["django_language"] = "ru"
    damaged = make_image("JPEG", (400, 300))[:3000]
    response = client.post(
        f"/panel/sites/{site.pk}/avatar/", {"photo": SimpleUploadedFile("me.jpg", damaged)}
    )
    assert response.status_code == 400
    assert "Файл обрезан или повреждён" in response.content.decode()
    assert not Photo.objects.exists()
