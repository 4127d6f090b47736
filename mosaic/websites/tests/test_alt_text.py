"""Alt text: the owner writes it per photo; until then the caption's first sentence stands in,
marked "from caption". Published pages, the cards of every theme and the ZIP export use it."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from mosaic.posts.models import PostItem, caption_alt
from mosaic.posts.privacy import PostData
from mosaic.posts.services import NewItem, save_post
from mosaic.websites import services
from mosaic.websites.tests.conftest import body, make_photo, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(owner, commit):
    with commit():
        site = services.create_site(owner=owner.user, slug="olivia", title="Olivia")
        services.publish(site=site)
    return site


def alts(html: str) -> list[str]:
    return re.findall(r'<img[^>]* alt="([^"]*)"', html)


@pytest.mark.parametrize(
    ("caption", "alt"),
    [
        ("A day at the sea. Then rain! #sea", "A day at the sea."),
        ("Sunset with @anna #golden #hour", "Sunset with"),
        ("#onlytags #here", ""),
        ("Why not? Because.", "Why not?"),
        ("word " * 60, ("word " * 29).strip() + "…"),
    ],
)
def test_the_caption_stands_in_with_its_first_sentence(caption, alt):
    assert caption_alt(caption) == alt


def test_published_pages_use_the_caption_until_the_owner_writes_alt_text(
    owner, site, visitor, commit
):
    with commit():
        post = make_post(owner.user, "Boats in the harbour. We sailed at noon #sea", photos=2)
    first, second = post.items.order_by("position")
    page = body(visitor.get(f"/olivia/p/{post.pk}/"))
    assert alts(page)[:2] == ["Boats in the harbour. (1/2)", "Boats in the harbour. (2/2)"]

    with commit():
        response = owner.client.post(
            f"/panel/sites/{site.pk}/alt/{second.pk}/",
            {"text": "  Two red fishing boats\nmoored at a stone quay  ", "page": "1"},
        )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/panel/sites/{site.pk}/alt/?page=1#photo-{second.pk}")
    second.refresh_from_db()
    assert second.alt_text == "Two red fishing boats moored at a stone quay"
    # The sites republished on their own (a change to a post), no "Publish" needed.
    page = body(visitor.get(f"/olivia/p/{post.pk}/"))
    assert "Two red fishing boats moored at a stone quay" in alts(page)
    assert "Boats in the harbour. (1/2)" in alts(page)

    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/alt/{first.pk}/", {"text": "The harbour"})
    for theme in ("grid", "feed", "magazine"):
        site.theme = theme
        site.save(update_fields=["theme"])
        with commit():
            services.publish(site=site)
        assert "The harbour" in alts(body(visitor.get("/olivia/"))), theme

    export = owner.client.get(f"/panel/sites/{site.pk}/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content)))
    assert "Two red fishing boats moored at a stone quay" in alts(
        archive.read(f"olivia/p/{post.pk}/index.html").decode()
    )
    assert "The harbour" in alts(archive.read("olivia/index.html").decode())

    # Emptied: the caption stands in again.
    with commit():
        owner.client.post(f"/panel/sites/{site.pk}/alt/{first.pk}/", {"text": "   "})
    first.refresh_from_db()
    assert first.alt_text == ""
    assert first.alt_from_caption
    assert "Boats in the harbour. (1/2)" in alts(body(visitor.get(f"/olivia/p/{post.pk}/")))


def test_the_list_marks_and_filters_photos_without_the_owners_alt_text(owner, site):
    written = make_post(owner.user, "Written one", days=1)
    make_post(owner.user, "Not yet described. More words", days=2)
    item = written.items.get()
    item.alt_text = "A lighthouse in fog"
    item.save(update_fields=["alt_text"])

    page = body(owner.client.get(f"/panel/sites/{site.pk}/alt/"))
    assert "A lighthouse in fog" in page
    assert "Written by you" in page
    assert "Not yet described." in page  # pre-filled from the caption
    assert "From caption" in page
    assert "Without your alt text (1)" in page

    missing = body(owner.client.get(f"/panel/sites/{site.pk}/alt/?missing=1"))
    assert "Not yet described." in missing
    assert "A lighthouse in fog" not in missing


def test_the_list_is_paginated_in_pages_of_60(owner, site, django_assert_max_num_queries):
    for day in range(4):
        make_post(owner.user, f"Day {day}", photos=16, days=day)  # 64 photos
    first = owner.client.get(f"/panel/sites/{site.pk}/alt/")
    html = body(first)
    assert html.count('class="alt-item"') == 60
    assert "Page 1 of 2" in html
    second = body(owner.client.get(f"/panel/sites/{site.pk}/alt/?page=2"))
    assert second.count('class="alt-item"') == 4
    assert 'rel="prev"' in second
    # A bad page number shows a page, never an error.
    assert owner.client.get(f"/panel/sites/{site.pk}/alt/?page=zz").status_code == 200
    with django_assert_max_num_queries(20):  # no query per photo
        owner.client.get(f"/panel/sites/{site.pk}/alt/")


def test_it_refuses_alt_text_that_is_too_long_and_keeps_the_old(owner, site):
    post = make_post(owner.user, "Boats")
    item = post.items.get()
    response = owner.client.post(f"/panel/sites/{site.pk}/alt/{item.pk}/", {"text": "x" * 501})
    assert response.status_code == 400
    assert "at most 500 characters" in body(response)
    item.refresh_from_db()
    assert item.alt_text == ""


def test_nobody_else_can_read_or_write_an_owners_alt_text(owner, other_owner, site):
    item = make_post(owner.user, "Boats").items.get()
    theirs = services.create_site(owner=other_owner.user, slug="oscar", title="Oscar")
    client = other_owner.client
    assert client.post(f"/panel/sites/{site.pk}/alt/{item.pk}/", {"text": "x"}).status_code == 404
    assert client.post(f"/panel/sites/{theirs.pk}/alt/{item.pk}/", {"text": "x"}).status_code == 404
    assert client.get(f"/panel/sites/{site.pk}/alt/").status_code == 404
    item.refresh_from_db()
    assert item.alt_text == ""


def test_a_sync_that_changes_the_items_keeps_the_alt_text_of_photos_that_stay(owner):
    post = make_post(owner.user, "Two", photos=2)
    kept, _dropped = post.items.order_by("position")
    PostItem.objects.filter(pk=kept.pk).update(alt_text="The one that stays")
    save_post(
        owner=owner.user,
        source=post.source,
        external_id=post.external_id,
        caption=post.caption,
        taken_at=post.taken_at,
        items=[NewItem(photo=make_photo(owner.user)), NewItem(photo=kept.photo)],
        permalink=post.permalink,
    )
    texts = list(post.items.order_by("position").values_list("photo_id", "alt_text"))
    assert texts[1] == (kept.photo_id, "The one that stays")
    assert texts[0][1] == ""


def test_p20_alt_text_is_exported_and_erased_with_the_posts(owner):
    post = make_post(owner.user, "Boats")
    PostItem.objects.filter(post=post).update(alt_text="Two boats")
    exported = PostData().export(owner.user)
    assert exported[0]["items"][0]["alt_text"] == "Two boats"
    PostData().erase(owner.user)
    assert not PostItem.objects.filter(alt_text="Two boats").exists()
